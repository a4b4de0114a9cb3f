package io.flinkinference.benchmarks.peers;

import io.flinkinference.avro.ImageRecord;
import io.flinkinference.avro.InferenceResult;
import io.flinkinference.avro.Label;
import io.flinkinference.avro.Timings;
import io.flinkinference.jobs.kafka.AvroMessages;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.operators.translate.ImageDecoder;
import io.flinkinference.operators.translate.ImagePreprocessor;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One thread of the consumer loop a user writes by hand around ONNX Runtime: a plain
 * {@link KafkaConsumer} in the run's group, poll, decode each Avro {@code ImageRecord}, decode
 * and preprocess its image as the job does ({@link ImageDecoder}, {@link ImagePreprocessor}),
 * classify {@code batchSize} records at a time in its own {@link OrtClassifierSession}, write an
 * Avro {@code InferenceResult} per record with a {@link KafkaProducer}, commit the answered
 * records' offsets.
 *
 * <p>The batching is the naive kind: a batch is cut when it is full, whatever the polls bring,
 * and a partial one only when a poll comes back empty after {@link #POLL}; below capacity,
 * records wait for the batch to fill. A record that cannot be answered stops the loop: the
 * workload's images are all valid, so one is a fault of the setup, and the run must fail.
 */
final class HandWrittenConsumerLoop implements Runnable {
    /** The poll timeout a user would pick: short enough to notice a quiet topic, long enough not to spin. */
    static final Duration POLL = Duration.ofMillis(100);

    private final RunTopics topics;
    private final ModelVersion model;
    private final int batchSize;
    private final OrtClassifierSession session;
    private final ImagePreprocessor preprocessor;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final AvroMessages<ImageRecord> images = new AvroMessages<>(ImageRecord.getClassSchema());
    private final AvroMessages<InferenceResult> answers = new AvroMessages<>(InferenceResult.getClassSchema());
    private final FloatBuffer batch;
    private final List<Pending> pending;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean running = true;

    /** A record in the batch being filled: what its answer carries, and where it came from. */
    private record Pending(ImageRecord image, TopicPartition partition, long offset, long queuedAtNanos) {}

    HandWrittenConsumerLoop(RunTopics topics, ModelVersion model, int batchSize) throws Exception {
        this.topics = topics;
        this.model = model;
        this.batchSize = batchSize;
        this.preprocessor = new ImagePreprocessor(model.manifest().preprocessing());
        this.session = new OrtClassifierSession(model, preprocessor.inputShape(1));
        this.batch = ByteBuffer.allocateDirect(batchSize * preprocessor.valuesPerImage() * Float.BYTES)
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        this.pending = new ArrayList<>(batchSize);
        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, topics.bootstrapServers());
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, topics.groupId("loop"));
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        this.consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, topics.bootstrapServers());
        this.producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(topics.images()));
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                if (records.isEmpty()) {
                    answerBatch();
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    add(record);
                    if (pending.size() == batchSize) {
                        answerBatch();
                    }
                }
            }
        } catch (WakeupException stopping) {
            // stop() woke the poll
        } catch (Exception | LinkageError e) {
            failure.compareAndSet(null, e);
        } finally {
            consumer.close();
            producer.close();
            closeSession();
        }
    }

    /** Decodes the record and preprocesses its image into the next row of the batch. */
    private void add(ConsumerRecord<byte[], byte[]> record) throws Exception {
        Header schema = record.headers().lastHeader(AvroMessages.SCHEMA_HEADER);
        ImageRecord image = images.decode(record.value(), schema == null ? null : schema.value());
        preprocessor.write(ImageDecoder.decode(bytes(image.getData())), batch, pending.size());
        pending.add(new Pending(image, new TopicPartition(record.topic(), record.partition()), record.offset(), System.nanoTime()));
    }

    /** The buffer's bytes: Avro may hand out a view into the message, so not its backing array. */
    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    /** Classifies the batch, writes an answer per record and commits their offsets. */
    private void answerBatch() throws Exception {
        if (pending.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        List<OrtClassifierSession.Best> best = session.classify(batch, pending.size());
        long inferredMicros = (System.nanoTime() - start) / 1_000;
        Map<TopicPartition, OffsetAndMetadata> answered = new HashMap<>();
        for (int i = 0; i < pending.size(); i++) {
            Pending record = pending.get(i);
            InferenceResult answer = answer(record, best.get(i),
                    new Timings((start - record.queuedAtNanos()) / 1_000, pending.size(), inferredMicros));
            ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(topics.answers(),
                    answer.getId().getBytes(StandardCharsets.UTF_8), answers.encode(answer));
            out.headers().add(AvroMessages.SCHEMA_HEADER, answers.schemaHeader());
            producer.send(out);
            answered.merge(record.partition(), new OffsetAndMetadata(record.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        consumer.commitAsync(answered, null);
        pending.clear();
    }

    private InferenceResult answer(Pending record, OrtClassifierSession.Best best, Timings timings) {
        ImageRecord image = record.image();
        return InferenceResult.newBuilder()
                .setId(image.getId())
                .setModel(model.manifest().name())
                .setModelVersion(model.manifest().version())
                .setEngine("onnxruntime")
                .setLabels(List.of(new Label(best.label(), best.index(), best.score())))
                .setEventTimeMillis(image.getEventTimeMillis())
                .setTimings(timings)
                .setHeaders(image.getHeaders())
                .build();
    }

    /** Throws what stopped this thread, if anything did. */
    void checkServing() {
        Throwable e = failure.get();
        if (e != null) {
            throw new IllegalStateException("A consumer thread of the hand-written loop failed: " + e.getMessage(), e);
        }
    }

    /** Asks the loop to stop; it closes its clients and session on its own thread. */
    void stop() {
        running = false;
        consumer.wakeup();
    }

    private void closeSession() {
        try {
            session.close();
        } catch (Exception e) {
            failure.compareAndSet(null, e);
        }
    }
}
