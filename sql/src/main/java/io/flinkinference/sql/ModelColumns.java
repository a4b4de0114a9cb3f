package io.flinkinference.sql;

import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.modelstore.manifest.Manifest;
import io.flinkinference.modelstore.manifest.Postprocessing;
import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.modelstore.manifest.TensorSpec;
import io.flinkinference.operators.InferenceFailure;
import io.flinkinference.operators.InferenceRequest;
import io.flinkinference.operators.InferenceResult;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.types.Either;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How a model's SQL columns map onto the project's requests and results, checked against its
 * manifest when the query is planned. The {@code INPUT} is one column: encoded image bytes
 * ({@code BYTES}), preprocessed as the manifest says, or the input tensor as {@code ARRAY<FLOAT>}
 * named after it. The {@code OUTPUT} columns follow the manifest's postprocessing (see
 * {@link OutputColumn}). The translation itself is the {@code ManifestTranslator}'s: this class
 * only moves values between rows and requests.
 */
final class ModelColumns implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The shape of a tensor request (batch dimension 1), or null when the column holds images. */
    private final long[] tensorShape;
    private final List<OutputColumn> outputs;

    private ModelColumns(long[] tensorShape, List<OutputColumn> outputs) {
        this.tensorShape = tensorShape;
        this.outputs = outputs;
    }

    /**
     * Checks the model's declared columns against the manifest of the version it will serve.
     *
     * @throws ValidationException naming the column, what it is and what the manifest allows
     */
    static ModelColumns check(String model, Manifest manifest, ResolvedSchema input, ResolvedSchema output) {
        String served = manifest.name() + ":" + manifest.version();
        if (manifest.inputs().size() != 1) {
            throw new ValidationException("Model " + model + " serves " + served + ", which takes " + manifest.inputs().size()
                    + " inputs " + names(manifest.inputs()) + "; ML_PREDICT with this provider feeds models of one input.");
        }
        List<Column> inputColumns = input.getColumns();
        if (inputColumns.size() != 1) {
            throw new ValidationException("Model " + model + " declares " + inputColumns.size() + " INPUT columns "
                    + columnNames(inputColumns) + "; " + served + " takes one: image bytes (BYTES) or its tensor '"
                    + manifest.inputs().get(0).name() + "' (ARRAY<FLOAT>).");
        }
        long[] shape = inputShape(model, served, manifest, inputColumns.get(0));
        Postprocessing post = manifest.postprocessing() == null ? Postprocessing.raw() : manifest.postprocessing();
        List<OutputColumn> outputs = new ArrayList<>();
        for (Column column : output.getColumns()) {
            outputs.add(outputColumn(model, served, manifest, post, column));
        }
        return new ModelColumns(shape, List.copyOf(outputs));
    }

    private static long[] inputShape(String model, String served, Manifest manifest, Column column) {
        TensorSpec tensor = manifest.inputs().get(0);
        LogicalType type = column.getDataType().getLogicalType();
        if (type.is(LogicalTypeFamily.BINARY_STRING)) {
            if (manifest.preprocessing() == null) {
                throw new ValidationException("INPUT column '" + column.getName() + "' of model " + model + " is "
                        + type.asSummaryString() + " (an encoded image), but " + served + " has no preprocessing in its "
                        + "manifest, so it takes tensors: declare '" + tensor.name() + "' ARRAY<FLOAT> instead.");
            }
            return null;
        }
        if (!isFloatArray(type)) {
            throw new ValidationException("INPUT column '" + column.getName() + "' of model " + model + " is "
                    + type.asSummaryString() + "; " + served + " takes image bytes (BYTES) or its tensor '" + tensor.name()
                    + "' (ARRAY<FLOAT>, shape " + tensor.shapeText() + ").");
        }
        if (!column.getName().equals(tensor.name())) {
            throw new ValidationException("INPUT column '" + column.getName() + "' of model " + model + " is a tensor, "
                    + "but " + served + "'s input is named '" + tensor.name() + "'; name the column after it.");
        }
        if (tensor.dtype() != DataType.FLOAT32) {
            throw new ValidationException("INPUT column '" + column.getName() + "' of model " + model + " is ARRAY<FLOAT>, "
                    + "but " + served + "'s input '" + tensor.name() + "' is " + tensor.dtype() + ".");
        }
        return recordShape(model, served, tensor, manifest.preprocessing());
    }

    /**
     * The tensor's shape for one record: its dimensions after the batch one must be known, from the
     * manifest or, for an image model, its preprocessing (an ARRAY carries values, not a shape).
     */
    private static long[] recordShape(String model, String served, TensorSpec tensor, Preprocessing preprocessing) {
        long[] shape = tensor.shapeArray().clone();
        shape[0] = 1;
        if (preprocessing != null && shape.length == 4) {
            long[] image = preprocessing.layout() == Preprocessing.Layout.NCHW
                    ? new long[] {1, preprocessing.channels(), preprocessing.height(), preprocessing.width()}
                    : new long[] {1, preprocessing.height(), preprocessing.width(), preprocessing.channels()};
            for (int i = 1; i < 4; i++) {
                if (shape[i] == TensorSpec.DYNAMIC) {
                    shape[i] = image[i];
                }
            }
        }
        for (int i = 1; i < shape.length; i++) {
            if (shape[i] == TensorSpec.DYNAMIC) {
                throw new ValidationException("INPUT column '" + tensor.name() + "' of model " + model + ": " + served
                        + "'s input has shape " + tensor.shapeText() + ", with dynamic dimensions beyond the batch one, "
                        + "which an ARRAY<FLOAT> cannot say; feed it images (BYTES) or serve a model of fixed shape.");
            }
        }
        return shape;
    }

    private static OutputColumn outputColumn(String model, String served, Manifest manifest, Postprocessing post,
            Column column) {
        String name = column.getName();
        LogicalType type = column.getDataType().getLogicalType();
        String where = "OUTPUT column '" + name + "' of model " + model;
        switch (name.toLowerCase(Locale.ROOT)) {
            case "label", "text" -> {
                Postprocessing.Kind needed = name.equalsIgnoreCase("label") ? Postprocessing.Kind.TOPK : Postprocessing.Kind.CTC;
                requirePostprocessing(where, served, post, needed);
                requireType(where, type, "STRING", type.is(LogicalTypeFamily.CHARACTER_STRING));
                return new OutputColumn(needed == Postprocessing.Kind.TOPK ? OutputColumn.Kind.LABEL : OutputColumn.Kind.TEXT,
                        null, type.getTypeRoot());
            }
            case "score" -> {
                requirePostprocessing(where, served, post, Postprocessing.Kind.TOPK);
                requireType(where, type, "FLOAT or DOUBLE", type.is(LogicalTypeRoot.FLOAT) || type.is(LogicalTypeRoot.DOUBLE));
                return new OutputColumn(OutputColumn.Kind.SCORE, null, type.getTypeRoot());
            }
            case "batch_size" -> {
                requireType(where, type, "INT or BIGINT", type.is(LogicalTypeRoot.INTEGER) || type.is(LogicalTypeRoot.BIGINT));
                return new OutputColumn(OutputColumn.Kind.BATCH_SIZE, null, type.getTypeRoot());
            }
            case "error" -> {
                requireType(where, type, "STRING", type.is(LogicalTypeFamily.CHARACTER_STRING));
                return new OutputColumn(OutputColumn.Kind.ERROR, null, type.getTypeRoot());
            }
            default -> {
                TensorSpec tensor = manifest.outputs().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow(() ->
                        new ValidationException(where + " is not something " + served + " gives: its outputs are "
                                + names(manifest.outputs()) + " and its postprocessing is " + post.type().name().toLowerCase(Locale.ROOT)
                                + ", so the columns it fills are " + allowed(manifest, post) + "."));
                requirePostprocessing(where, served, post, Postprocessing.Kind.RAW);
                if (tensor.dtype() != DataType.FLOAT32) {
                    throw new ValidationException(where + ": output '" + name + "' of " + served + " is " + tensor.dtype()
                            + "; only float32 outputs become ARRAY<FLOAT> columns.");
                }
                requireType(where, type, "ARRAY<FLOAT> (output shape " + tensor.shapeText() + ")", isFloatArray(type));
                return new OutputColumn(OutputColumn.Kind.TENSOR, name, type.getTypeRoot());
            }
        }
    }

    private static void requirePostprocessing(String where, String served, Postprocessing post, Postprocessing.Kind needed) {
        if (post.type() != needed) {
            throw new ValidationException(where + " needs " + needed.name().toLowerCase(Locale.ROOT) + " postprocessing, but "
                    + served + "'s manifest says " + post.type().name().toLowerCase(Locale.ROOT) + ".");
        }
    }

    private static void requireType(String where, LogicalType type, String expected, boolean ok) {
        if (!ok) {
            throw new ValidationException(where + " is " + type.asSummaryString() + "; it must be " + expected + ".");
        }
    }

    private static String allowed(Manifest manifest, Postprocessing post) {
        String own = switch (post.type()) {
            case TOPK -> "label STRING, score FLOAT";
            case CTC -> "text STRING";
            case RAW -> String.join(", ", manifest.outputs().stream().map(t -> "`" + t.name() + "` ARRAY<FLOAT>").toList());
        };
        return own + ", batch_size INT, error STRING";
    }

    private static boolean isFloatArray(LogicalType type) {
        return type instanceof ArrayType array && array.getElementType().is(LogicalTypeRoot.FLOAT);
    }

    private static List<String> names(List<TensorSpec> tensors) {
        return tensors.stream().map(TensorSpec::name).toList();
    }

    private static List<String> columnNames(List<Column> columns) {
        return columns.stream().map(Column::getName).toList();
    }

    /**
     * The request for a row's input; a null input becomes an empty payload, which the translator
     * refuses as a bad record (the row's {@code error} says why) rather than failing the job.
     */
    InferenceRequest request(String id, RowData input) {
        if (tensorShape == null) {
            byte[] image = input.isNullAt(0) ? new byte[0] : input.getBinary(0);
            return InferenceRequest.image(id, image, 0);
        }
        float[] values = input.isNullAt(0) ? new float[0] : floats(input.getArray(0));
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return InferenceRequest.tensor(id, bytes.array(), tensorShape.clone(), 0);
    }

    private static float[] floats(ArrayData array) {
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.isNullAt(i) ? Float.NaN : array.getFloat(i);
        }
        return values;
    }

    /** The OUTPUT row for a row's outcome: its prediction, or nulls and the reason in {@code error}. */
    RowData row(Either<InferenceFailure, InferenceResult> outcome) {
        GenericRowData row = new GenericRowData(outputs.size());
        for (int i = 0; i < outputs.size(); i++) {
            OutputColumn column = outputs.get(i);
            row.setField(i, outcome.isRight() ? column.value(outcome.right()) : column.value(outcome.left()));
        }
        return row;
    }

    @Override
    public String toString() {
        return (tensorShape == null ? "image bytes" : "tensor " + Arrays.toString(tensorShape)) + " -> " + outputs;
    }
}
