package io.flinkinference.k8s;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.flinkinference.k8s.Manifests.K8S;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lint-level checks of the job images' Dockerfiles, which need no Docker engine: the base image is
 * Flink's, pinned to the Flink version the project builds against; every COPY takes a path that
 * build-inputs.sh puts into the build context; the jar lands where the FlinkDeployment's jarURI
 * points; the plugins named exist in that Flink release.
 */
class DockerfilesTest {
    private static final Pattern FROM = Pattern.compile("^FROM\\s+(\\S+)", Pattern.MULTILINE);
    private static final Pattern COPY = Pattern.compile("^COPY\\s+(?:--\\S+\\s+)*(\\S+)\\s+(\\S+)\\s*$", Pattern.MULTILINE);

    @ParameterizedTest
    @CsvSource({"Dockerfile, cpu", "Dockerfile.gpu, gpu"})
    void theBaseImageIsFlinksAtTheProjectsFlinkVersionPinned(String dockerfile, String variant) throws Exception {
        String text = Files.readString(K8S.resolve("images").resolve(dockerfile));
        List<String> bases = all(FROM, text, 1);
        String flink = System.getProperty("flinkinference.flink.version");
        assertEquals(List.of("flink:" + flink + "-scala_2.12-java17"), bases, "one stage, on Flink's image for Java 17");
        // Every Flink jar the file names belongs to the same release.
        Matcher jars = Pattern.compile("flink-[a-z0-9-]+?-(\\d+\\.\\d+\\.\\d+)\\.jar").matcher(text);
        int named = 0;
        while (jars.find()) {
            assertEquals(flink, jars.group(1), jars.group());
            named++;
        }
        assertTrue(named >= 2, "the S3 plugin's and the Prometheus reporter's jars are named");
    }

    @ParameterizedTest
    @CsvSource({"Dockerfile, cpu", "Dockerfile.gpu, gpu"})
    void everyCopiedPathIsOneTheBuildScriptMakes(String dockerfile, String variant) throws Exception {
        String text = Files.readString(K8S.resolve("images").resolve(dockerfile));
        ImageInputs inputs = ImageInputs.list(variant);
        List<String> sources = all(COPY, text, 1);
        assertFalse(sources.isEmpty());
        assertEquals(inputs.paths().keySet().stream().filter(p -> !p.startsWith("cli/")).sorted().toList(),
                sources.stream().filter(p -> !p.startsWith("cli/")).sorted().toList(), "COPY sources other than the command line");
        assertTrue(sources.contains("cli/") && inputs.paths().containsKey("cli/lib/") && inputs.paths().containsKey("cli/bin/flink-inference"));
        for (String source : inputs.paths().values()) {
            if (source.startsWith("k8s/")) {
                assertTrue(Files.isRegularFile(K8S.getParent().resolve(source)), source + " is in the repository");
            }
        }
        Manifests manifests = Manifests.render(variant);
        String jarUri = manifests.flinkDeployment().at("/spec/job/jarURI").asString();
        Matcher copy = COPY.matcher(text);
        boolean jarCopied = false;
        while (copy.find()) {
            jarCopied |= copy.group(1).startsWith("usrlib/") && ("local://" + copy.group(2)).equals(jarUri);
        }
        assertTrue(jarCopied, "the job jar is copied to " + jarUri);
    }

    @ParameterizedTest
    @CsvSource({"flink-inference"})
    void theImagesCommandLineStartsTheProjectsMainClass(String script) throws Exception {
        Path launcher = K8S.resolve("images").resolve(script);
        assertTrue(Files.isExecutable(launcher));
        assertTrue(Files.readString(launcher).contains(" " + io.flinkinference.cli.FlinkInferenceCli.class.getName() + " \"$@\""));
    }

    private static List<String> all(Pattern pattern, String text, int group) {
        List<String> found = new ArrayList<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            found.add(matcher.group(group));
        }
        return found;
    }
}
