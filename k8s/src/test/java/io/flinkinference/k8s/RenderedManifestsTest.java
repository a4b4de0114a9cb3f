package io.flinkinference.k8s;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.flinkinference.k8s.Manifests.K8S;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Both overlays render, and every object they render is valid for the API server that will take it. */
class RenderedManifestsTest {
    /** Kinds without a namespace; everything else must land in the project's namespace. */
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace");
    private static KubernetesSchemas schemas;

    @BeforeAll
    static void loadSchemas() throws Exception {
        schemas = KubernetesSchemas.load(K8S.resolve("schemas"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void everyRenderedObjectIsValidAgainstItsSchema(String overlay) throws Exception {
        Manifests manifests = Manifests.render(overlay);
        Set<String> kinds = new TreeSet<>();
        Map<String, List<String>> problems = new LinkedHashMap<>();
        for (JsonNode object : manifests.objects()) {
            kinds.add(object.path("kind").asString());
            List<String> found = schemas.validate(object);
            if (!found.isEmpty()) {
                problems.put(Manifests.name(object), found);
            }
        }
        assertEquals(Map.of(), problems, "overlay " + overlay);
        assertTrue(kinds.containsAll(Set.of("Namespace", "ServiceAccount", "Role", "RoleBinding", "ConfigMap", "Job",
                "FlinkDeployment", "Kafka", "KafkaNodePool", "KafkaTopic", "PodMonitor")), "kinds rendered: " + kinds);
    }

    /** The check has teeth: what a server would refuse, it refuses, for built-in kinds and for every CRD's. */
    @Test
    void theSchemasRefuseMisspeltFieldsWrongTypesAndUnknownKinds() throws Exception {
        Manifests gpu = Manifests.render("gpu");
        ObjectNode deployment = (ObjectNode) gpu.flinkDeployment().deepCopy();
        ((ObjectNode) deployment.at("/spec/taskManager/podTemplate/spec")).put("nodeSelectr", "typo");
        assertProblem(deployment, "nodeSelectr");

        ObjectNode job = (ObjectNode) gpu.get("Job", "tensorrt-plans").deepCopy();
        ((ObjectNode) job.at("/spec/template/spec/containers/0")).put("imagePullPolcy", "Always");
        assertProblem(job, "imagePullPolcy");

        ObjectNode limits = (ObjectNode) gpu.get("Job", "tensorrt-plans").deepCopy();
        ((ObjectNode) limits.at("/spec/template/spec/containers/0/resources/limits")).put("nvidia.com/gpu", true);
        assertProblem(limits, "nvidia.com~1gpu");

        ObjectNode topic = (ObjectNode) gpu.get("KafkaTopic", "images").deepCopy();
        ((ObjectNode) topic.at("/spec")).put("partitions", "twelve");
        assertProblem(topic, "partitions");

        ObjectNode pool = (ObjectNode) gpu.get("KafkaNodePool", "dual-role").deepCopy();
        ((ObjectNode) pool.at("/spec")).putArray("roles").add("leader");
        assertProblem(pool, "roles");

        ObjectNode monitor = (ObjectNode) gpu.get("PodMonitor", "flink-inference").deepCopy();
        ((ObjectNode) monitor.at("/spec")).put("podMetricEndpoints", "typo");
        assertProblem(monitor, "podMetricEndpoints");

        ObjectNode badName = (ObjectNode) gpu.get("ConfigMap", "model-store").deepCopy();
        ((ObjectNode) badName.at("/metadata")).put("lables", "typo");
        assertProblem(badName, "lables");

        ObjectNode unknown = (ObjectNode) gpu.get("ConfigMap", "model-store").deepCopy();
        unknown.put("apiVersion", "example.com/v1");
        assertProblem(unknown, "no schema");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void everyNamespacedObjectIsInTheProjectsNamespace(String overlay) throws Exception {
        List<String> elsewhere = new ArrayList<>();
        for (JsonNode object : Manifests.render(overlay).objects()) {
            String namespace = object.path("metadata").path("namespace").asString();
            boolean clusterScoped = CLUSTER_SCOPED.contains(object.path("kind").asString());
            if (clusterScoped == !namespace.isEmpty() || (!clusterScoped && !namespace.equals("flink-inference"))) {
                elsewhere.add(Manifests.name(object) + " in '" + namespace + "'");
            }
        }
        assertEquals(List.of(), elsewhere);
    }

    /** No credential is written down: pods read them from the Secret that k8s/README.md tells users to create. */
    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void credentialsComeFromTheSecretThatTheReadmeCreates(String overlay) throws Exception {
        Manifests manifests = Manifests.render(overlay);
        assertEquals(0, manifests.ofKind("Secret").count(), "a Secret in the manifests would put credentials in git");
        List<JsonNode> references = manifests.objects().stream().flatMap(o -> o.findValues("secretKeyRef").stream()).toList();
        assertFalse(references.isEmpty());
        Set<String> used = new TreeSet<>();
        references.forEach(r -> used.add(r.path("name").asString() + "/" + r.path("key").asString()));
        assertEquals(Set.of("model-store-s3/access-key", "model-store-s3/secret-key"), used);
        manifests.flinkDeployment().path("spec").path("flinkConfiguration").forEachEntry((key, value) ->
                assertFalse(key.contains("access-key") || key.contains("secret-key"), key + " would put a credential inline"));
        String readme = Files.readString(K8S.resolve("README.md"));
        assertTrue(readme.contains("kubectl create secret generic model-store-s3 -n flink-inference \\")
                && readme.contains("--from-literal=access-key=") && readme.contains("--from-literal=secret-key="),
                "k8s/README.md must show how to create the Secret the pods read");
    }

    /** kubectl's own kustomize, where this machine has kubectl, renders what the pinned one does. */
    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void kubectlKustomizeRendersTheSameObjects(String overlay) throws Exception {
        String kubectl;
        try {
            kubectl = Kustomize.run(List.of("kubectl", "version", "--client"));
        } catch (java.io.IOException | IllegalStateException e) {
            kubectl = null;
        }
        assumeTrue(kubectl != null, "kubectl is not on this machine's PATH; the pinned kustomize rendered the overlays");
        String rendered = Kustomize.run(List.of("kubectl", "kustomize", K8S.resolve("overlays").resolve(overlay).toString()));
        assertEquals(Set.copyOf(Manifests.render(overlay).objects()), Set.copyOf(Manifests.parse(rendered)));
    }

    private static void assertProblem(JsonNode object, String expected) {
        List<String> problems = schemas.validate(object);
        assertTrue(problems.stream().anyMatch(p -> p.contains(expected)),
                Manifests.name(object) + ": expected a problem naming " + expected + ", got " + problems);
    }
}
