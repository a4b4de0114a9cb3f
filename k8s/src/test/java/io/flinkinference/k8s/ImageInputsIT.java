package io.flinkinference.k8s;

import io.flinkinference.jobs.StreamingJobMain;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * After packaging: what build-inputs.sh copies into an image exists, and the job jar is what the
 * FlinkDeployment expects of it (its main class; JavaCPP left to the image's lib/).
 */
class ImageInputsIT {
    private static final Path ROOT = Manifests.K8S.getParent();

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void theBuildProducesEveryFileTheImageCopies(String variant) throws Exception {
        ImageInputs inputs = ImageInputs.list(variant);
        Path jobJar = ROOT.resolve(inputs.paths().entrySet().stream().filter(e -> e.getKey().startsWith("usrlib/"))
                .findFirst().orElseThrow().getValue());
        assertTrue(Files.isRegularFile(jobJar), jobJar + " after the build");
        try (JarFile jar = new JarFile(jobJar.toFile())) {
            assertEquals(StreamingJobMain.class.getName(), jar.getManifest().getMainAttributes().getValue("Main-Class"));
            assertFalse(jar.stream().anyMatch(e -> e.getName().startsWith("org/bytedeco/")),
                    "JavaCPP must come from Flink's lib/, never from the job jar");
            boolean tensorRt = jar.getEntry("io/flinkinference/engine/tensorrt/TensorRtEngineProvider.class") != null;
            assertEquals(variant.equals("gpu"), tensorRt, "the TensorRT engine is in the GPU jar only");
        }
        Path classpath = ROOT.resolve(inputs.paths().get("cli/lib/"));
        List<String> jars = List.of(Files.readString(classpath).strip().split(":"));
        assertTrue(jars.size() > 20, "the command line's class path");
        for (String entry : jars) {
            assertTrue(Files.isRegularFile(Path.of(entry)), entry);
        }
    }
}
