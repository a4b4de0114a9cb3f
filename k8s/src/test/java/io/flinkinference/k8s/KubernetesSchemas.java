package io.flinkinference.k8s;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The schema of every kind the manifests use, from the files in {@code k8s/schemas/}
 * (SOURCES.md says where each came from): Kubernetes' own OpenAPI definitions for the built-in
 * kinds, and the CRDs' {@code openAPIV3Schema} for the operators' kinds. Both are JSON Schema
 * draft 4 in all that matters here.
 *
 * <p>Two changes make them check what an API server checks. Objects that declare their fields
 * refuse others ({@code additionalProperties: false}), as a server with strict field validation
 * ({@code kubectl apply}'s default) refuses unknown fields, so a misspelt field fails here rather
 * than being dropped there; CRD objects that keep unknown fields
 * ({@code x-kubernetes-preserve-unknown-fields}) are left open. And Kubernetes' quantities and
 * int-or-string values, declared as strings with a format, take numbers too, as the server does
 * ({@code nvidia.com/gpu: 1}).
 */
final class KubernetesSchemas {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
    private static final String DRAFT_4 = "http://json-schema.org/draft-04/schema#";

    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4);
    private final ObjectNode definitions;
    /** "apiVersion kind" -> the schema of that kind's objects. */
    private final Map<String, Schema> kinds = new HashMap<>();
    private final Schema objectMeta;

    private KubernetesSchemas(ObjectNode definitions) {
        this.definitions = definitions;
        this.objectMeta = definition(OBJECT_META);
    }

    static KubernetesSchemas load(Path folder) throws IOException {
        JsonNode swagger = JsonMapper.shared().readTree(folder.resolve("kubernetes-1.36-swagger.json").toFile());
        ObjectNode definitions = (ObjectNode) swagger.get("definitions");
        definitions.forEachEntry((name, definition) -> closeObjects(definition));
        ObjectNode stringOrNumber = NODES.objectNode();
        stringOrNumber.set("type", NODES.arrayNode().add("string").add("integer").add("number"));
        definitions.set("io.k8s.apimachinery.pkg.api.resource.Quantity", stringOrNumber);
        ObjectNode stringOrInteger = NODES.objectNode();
        stringOrInteger.set("type", NODES.arrayNode().add("string").add("integer"));
        definitions.set("io.k8s.apimachinery.pkg.util.intstr.IntOrString", stringOrInteger);

        KubernetesSchemas schemas = new KubernetesSchemas(definitions);
        definitions.forEachEntry((name, definition) -> {
            for (JsonNode kind : definition.path("x-kubernetes-group-version-kind")) {
                String group = kind.path("group").asString();
                String apiVersion = group.isEmpty() ? kind.path("version").asString() : group + "/" + kind.path("version").asString();
                schemas.kinds.put(apiVersion + " " + kind.path("kind").asString(), schemas.definition(name));
            }
        });
        try (Stream<Path> crds = Files.list(folder.resolve("crds"))) {
            for (Path file : crds.sorted().toList()) {
                for (JsonNode crd : Manifests.parse(Files.readString(file))) {
                    schemas.addCustomResource(crd);
                }
            }
        }
        return schemas;
    }

    /** What is wrong with {@code object}, one line each; empty when it is valid. */
    List<String> validate(JsonNode object) {
        String key = object.path("apiVersion").asString() + " " + object.path("kind").asString();
        Schema schema = kinds.get(key);
        List<String> problems = new ArrayList<>();
        if (schema == null) {
            problems.add("no schema for " + key + " in k8s/schemas/");
            return problems;
        }
        for (Error error : schema.validate(object)) {
            problems.add(error.toString());
        }
        // CRDs leave metadata to the API server, which checks it as ObjectMeta for every kind.
        for (Error error : objectMeta.validate(object.path("metadata"))) {
            problems.add("metadata: " + error);
        }
        return problems;
    }

    boolean knows(String apiVersion, String kind) {
        return kinds.containsKey(apiVersion + " " + kind);
    }

    private void addCustomResource(JsonNode crd) {
        if (!crd.path("kind").asString().equals("CustomResourceDefinition")) {
            return;
        }
        String group = crd.path("spec").path("group").asString();
        String kind = crd.path("spec").path("names").path("kind").asString();
        for (JsonNode version : crd.path("spec").path("versions")) {
            JsonNode schema = version.path("schema").path("openAPIV3Schema");
            if (!version.path("served").asBoolean() || schema.isMissingNode()) {
                continue;
            }
            ObjectNode document = (ObjectNode) schema.deepCopy();
            // Every object has these three; CRDs may leave them out of their schema, as the server adds them.
            ObjectNode fields = document.has("properties") ? (ObjectNode) document.get("properties") : document.putObject("properties");
            fields.putIfAbsent("apiVersion", NODES.objectNode().put("type", "string"));
            fields.putIfAbsent("kind", NODES.objectNode().put("type", "string"));
            fields.putIfAbsent("metadata", NODES.objectNode().put("type", "object"));
            closeObjects(document);
            document.put("$schema", DRAFT_4);
            kinds.put(group + "/" + version.path("name").asString() + " " + kind, registry.getSchema(document));
        }
    }

    private Schema definition(String name) {
        ObjectNode document = NODES.objectNode();
        document.put("$schema", DRAFT_4);
        ArrayNode ref = NODES.arrayNode();
        ref.add(NODES.objectNode().put("$ref", "#/definitions/" + name));
        document.set("allOf", ref);
        document.set("definitions", definitions);
        return registry.getSchema(document);
    }

    /**
     * Adds {@code additionalProperties: false} to every object schema under {@code node} that lists
     * its fields and keeps no others. Not to the branches of allOf/anyOf/oneOf: a branch lists only
     * the fields it constrains (Strimzi's "one of these two fields" rules), and closing it would
     * refuse the object's other fields.
     */
    private static void closeObjects(JsonNode node) {
        closeObjects(node, true);
    }

    private static void closeObjects(JsonNode node, boolean close) {
        if (node instanceof ObjectNode schema) {
            if (close && schema.has("properties") && !schema.has("additionalProperties")
                    && !schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
                schema.put("additionalProperties", false);
            }
            schema.forEachEntry((field, child) -> {
                if (field.equals("properties") && child instanceof ObjectNode fields) {
                    fields.forEachEntry((name, fieldSchema) -> closeObjects(fieldSchema, true));
                } else if (field.equals("items") || field.equals("additionalProperties")) {
                    closeObjects(child, true);
                } else if (field.equals("allOf") || field.equals("anyOf") || field.equals("oneOf")) {
                    child.forEach(branch -> closeObjects(branch, false));
                } else if (field.equals("not")) {
                    closeObjects(child, false);
                }
            });
        }
    }
}
