package io.flinkinference.k8s;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Stream;

/** One overlay, rendered by kustomize into the objects {@code kubectl apply -k} would send. */
record Manifests(String overlay, List<JsonNode> objects) {
    /** The k8s/ folder: the module's own directory, where Maven runs its tests. */
    static final Path K8S = Path.of("").toAbsolutePath();
    static final List<String> OVERLAYS = List.of("cpu", "gpu");
    static final YAMLMapper YAML = new YAMLMapper();

    static Manifests render(String overlay) throws IOException, InterruptedException {
        return new Manifests(overlay, parse(Kustomize.build(K8S.resolve("overlays").resolve(overlay))));
    }

    static List<JsonNode> parse(String yaml) {
        List<JsonNode> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (documents.hasNext()) {
                JsonNode object = documents.next();
                if (object != null && !object.isNull() && !object.isEmpty()) {
                    objects.add(object);
                }
            }
        }
        return objects;
    }

    Stream<JsonNode> ofKind(String kind) {
        return objects.stream().filter(o -> o.path("kind").asString().equals(kind));
    }

    JsonNode get(String kind, String name) {
        return ofKind(kind).filter(o -> o.path("metadata").path("name").asString().equals(name)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("overlay " + overlay + " renders no " + kind + " " + name));
    }

    JsonNode flinkDeployment() {
        return get("FlinkDeployment", "flink-inference");
    }

    /** The FlinkDeployment's flinkConfiguration value of {@code key}, or null. */
    String flinkSetting(String key) {
        JsonNode value = flinkDeployment().path("spec").path("flinkConfiguration").get(key);
        return value == null ? null : value.asString();
    }

    static String name(JsonNode object) {
        return object.path("kind").asString() + " " + object.path("metadata").path("name").asString();
    }
}
