package io.flinkinference.operators.engine;

/**
 * What an engine can do beyond running batches of tensors, declared by the engine in
 * {@link InferenceEngine#capabilities()} so that translators choose how records reach it.
 */
public enum EngineCapability {
    /**
     * The engine takes encoded images (JPEG, PNG, ...) and decodes and preprocesses them itself, as
     * the manifest's preprocessing says: TensorRT does both on the GPU, so that only the encoded
     * bytes cross PCIe. Its batches of images follow {@link EncodedImages}.
     */
    DECODES_IMAGES
}
