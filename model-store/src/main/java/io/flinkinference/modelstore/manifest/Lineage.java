package io.flinkinference.modelstore.manifest;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a version came from: its parent version (for derived artifacts such as INT8 or a TensorRT
 * plan), the transforms applied to the parent, the original source (a package or a file), and
 * free-form facts such as the calibration set's hash or the agreement with the parent.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Lineage(
        String parentName,
        Integer parentVersion,
        List<String> transforms,
        String source,
        Map<String, String> attributes) {

    public Lineage {
        transforms = transforms == null ? List.of() : List.copyOf(transforms);
        attributes = attributes == null ? Map.of() : new TreeMap<>(attributes);
    }

    public static Lineage fromSource(String source) {
        return new Lineage(null, null, List.of(), source, Map.of());
    }
}
