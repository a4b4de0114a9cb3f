package io.flinkinference.operators.translate;

import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.operators.InferenceFailure;
import io.flinkinference.operators.batching.BatchInput;
import io.flinkinference.operators.batching.BatchRow;
import io.flinkinference.operators.batching.Batchifier;
import io.flinkinference.operators.engine.InferenceEngine;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import java.io.Serializable;

/**
 * Pre- and post-processing around an engine (DJL's translator idea): the engine only sees tensors.
 * The translator also says how its records batch: {@link #preprocess} returns each record with its
 * {@link Batchifier} (DJL's {@code getBatchifier}), which supplies the bucket key and the stacking;
 * the batcher keeps only the queueing policy. {@link ManifestTranslator} does what a model's
 * manifest says; implement this for other record types.
 *
 * <p>{@link #preprocess} runs on the task thread, in parallel across subtasks; {@link #postprocess}
 * runs on the batcher's threads when the record's batch completes. Both must be thread-safe after
 * {@link #open}.
 */
public interface InferenceTranslator<IN, OUT> extends Serializable {

    /** Loads what the translator needs from the model version (labels, alphabet, preprocessing). */
    void open(ModelVersion model, InferenceEngine engine) throws Exception;

    /**
     * The record's preprocessed form and the batchifier that stacks it: for tensors
     * {@code TensorBatchifier.INSTANCE.input(tensors)}, each with batch dimension 1.
     */
    BatchInput<?> preprocess(IN input) throws BadInputException;

    /** The result for the record from its row of the batch outputs. */
    OUT postprocess(IN input, BatchRow row) throws BadInputException;

    /** The failure record for an input that could not be processed. */
    InferenceFailure failure(IN input, InferenceFailure.Stage stage, Throwable error);

    /** Flink type of the results (so that no generic serializer is needed). */
    TypeInformation<OUT> resultType();
}
