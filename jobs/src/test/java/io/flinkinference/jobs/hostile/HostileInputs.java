package io.flinkinference.jobs.hostile;

import io.flinkinference.avro.DeadLetter;
import io.flinkinference.avro.ImageEncoding;
import io.flinkinference.avro.ImageRecord;
import io.flinkinference.jobs.kafka.AvroMessages;
import io.flinkinference.samples.ImageFiles;
import io.flinkinference.samples.TextLineImages;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The hostile inputs of issue 17, as Kafka messages (value and {@code avro.schema} header): each
 * went into an endless restart loop of the job once, and each must now come back as a dead
 * letter of the stage named here.
 */
public final class HostileInputs {
    private HostileInputs() {}

    /** One message and the stage its dead letter must name (null: a result or a dead letter, either is right). */
    public record Case(String key, String what, byte[] value, byte[] schemaHeader, String stage) {}

    private static final AvroMessages<ImageRecord> IMAGES = new AvroMessages<>(ImageRecord.getClassSchema());

    public static List<Case> all(long seed) {
        Random random = new Random(seed);
        byte[] nearOneMegabyte = new byte[1_047_000];
        random.nextBytes(nearOneMegabyte);
        byte[] twoMegabytes = new byte[2_000_000];
        random.nextBytes(twoMegabytes);
        byte[] notAvro = new byte[300];
        random.nextBytes(notAvro);
        byte[] good = IMAGES.encode(image("header-not-a-schema", new TextLineImages(seed).sample(false).png(), ImageEncoding.PNG));
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("not-avro", "300 random bytes, no schema header", notAvro, null, "DESERIALIZE"));
        // Its fingerprint is ImageRecord's, so the reader needs no header: a result is as right as a dead letter.
        cases.add(new Case("header-not-a-schema", "a valid ImageRecord whose avro.schema header is not JSON", good,
                "{not a schema".getBytes(StandardCharsets.UTF_8), null));
        cases.add(new Case("header-other-record", "a DeadLetter with its own schema in the header", deadLetterMessage(),
                DeadLetter.getClassSchema().toString().getBytes(StandardCharsets.UTF_8), "DESERIALIZE"));
        Schema optionalId = optionalId();
        cases.add(new Case("null-id", "an ImageRecord (id made optional) with a null id", message(optionalId, null),
                optionalId.toString().getBytes(StandardCharsets.UTF_8), "DESERIALIZE"));
        cases.add(new Case("claims-2gb-string", "65 bytes whose id claims 2,147,483,000 bytes", claimsA2GbId(),
                IMAGES.schemaHeader(), "DESERIALIZE"));
        cases.add(imageCase("jpeg-claims-26700x26700", "a JPEG of a few hundred bytes whose header claims 26700x26700",
                ImageFiles.claimingSize(jpeg(), 26_700, 26_700), ImageEncoding.JPEG, "DECODE"));
        cases.add(imageCase("jpeg-claims-20000x20000", "a JPEG whose header claims 20000x20000",
                ImageFiles.claimingSize(jpeg(), 20_000, 20_000), ImageEncoding.JPEG, "DECODE"));
        cases.add(imageCase("png-bomb-8000x8000", "a PNG of 8000x8000 blank pixels (a decompression bomb)",
                blankPng(8_000, 8_000), ImageEncoding.PNG, "DECODE"));
        byte[] photo = jpeg();
        cases.add(imageCase("truncated-jpeg", "a JPEG cut in half", Arrays.copyOf(photo, photo.length / 2), ImageEncoding.JPEG,
                "DECODE"));
        cases.add(imageCase("corrupt-near-1mb", "1,047,000 random bytes labelled PNG", nearOneMegabyte, ImageEncoding.PNG,
                "DECODE"));
        cases.add(imageCase("corrupt-2mb", "2,000,000 random bytes labelled PNG", twoMegabytes, ImageEncoding.PNG, "DECODE"));
        return cases;
    }

    public static ImageRecord image(String id, byte[] bytes, ImageEncoding encoding) {
        return ImageRecord.newBuilder().setId(id).setEventTimeMillis(Instant.ofEpochMilli(0)).setEncoding(encoding)
                .setData(ByteBuffer.wrap(bytes)).setHeaders(Map.of()).build();
    }

    private static Case imageCase(String key, String what, byte[] bytes, ImageEncoding encoding, String stage) {
        return new Case(key, what, IMAGES.encode(image(key, bytes, encoding)), IMAGES.schemaHeader(), stage);
    }

    /** An ImageRecord message of 65 bytes whose id claims 2,147,483,000 bytes. */
    public static byte[] claimsA2GbId() {
        ByteArrayOutputStream length = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(length, null);
        try {
            encoder.writeLong(2_147_483_000L);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteBuffer value = ByteBuffer.allocate(65).order(ByteOrder.LITTLE_ENDIAN);
        value.put((byte) 0xC3).put((byte) 0x01).putLong(SchemaNormalization.parsingFingerprint64(ImageRecord.getClassSchema()));
        value.put(length.toByteArray());
        return value.array();
    }

    public static byte[] jpeg() {
        BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        image.setRGB(3, 3, 0xff8800);
        return write(image, "jpg");
    }

    public static byte[] blankPng(int width, int height) {
        return write(new BufferedImage(width, height, BufferedImage.TYPE_BYTE_BINARY), "png");
    }

    private static byte[] write(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, format, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] deadLetterMessage() {
        DeadLetter letter = DeadLetter.newBuilder().setKey("k").setTopic("t").setPartition(0).setOffset(0L).setStage("DECODE")
                .setErrorClass("E").setErrorMessage("m").setOriginalBytes(ByteBuffer.wrap(new byte[] {1}))
                .setFailedAtMillis(Instant.EPOCH).build();
        return new AvroMessages<>(DeadLetter.getClassSchema()).encode(letter);
    }

    private static byte[] message(Schema schema, String id) {
        GenericRecord record = new GenericData.Record(schema);
        record.put("id", id);
        record.put("eventTimeMillis", 0L);
        record.put("encoding", new GenericData.EnumSymbol(schema.getField("encoding").schema(), "PNG"));
        record.put("data", ByteBuffer.wrap(new byte[] {1}));
        record.put("headers", Map.of());
        try {
            return new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(record).array();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** ImageRecord with its id made optional: a schema that lets a writer send a null id. */
    public static Schema optionalId() {
        Schema schema = ImageRecord.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : schema.getFields()) {
            fields.add(field.name().equals("id")
                    ? new Schema.Field("id", Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                            null, Schema.Field.NULL_DEFAULT_VALUE)
                    : new Schema.Field(field, field.schema()));
        }
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }
}
