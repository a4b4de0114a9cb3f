package io.flinkinference.jobs;

import io.flinkinference.operators.engine.Engines;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the job jar a remote cluster needs, next to this class in {@code jobs/target}:
 * {@code flink-inference-job.jar} (ONNX Runtime) or, for an engine that runs on GPUs (TensorRT),
 * {@code flink-inference-job-gpu.jar}, which adds the TensorRT engine's classes (JavaCPP itself
 * must be in the GPU TaskManagers' {@code lib/}, loaded once per JVM).
 */
final class JobJar {
    static final String CPU = "flink-inference-job.jar";
    static final String GPU = "flink-inference-job-gpu.jar";

    private JobJar() {}

    /** The job jar for {@code engine}: the GPU one for engines that run on GPUs. */
    static Path locate(String engine) {
        return locateNamed(Engines.provider(engine).usesGpu() ? GPU : CPU);
    }

    static Path locateNamed(String name) {
        try {
            Path classes = Path.of(JobJar.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path target = classes.getParent(); // jobs/target, from target/classes or from the jobs jar
            Path jar = target.resolve(name);
            if (Files.isRegularFile(jar)) {
                return jar;
            }
            throw new IllegalStateException("The job jar " + jar + " is missing; build it with 'mvn -DskipTests package'.");
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Cannot locate the job jar", e);
        }
    }
}
