package io.flinkinference.jobs;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the job jar (jobs/target/flink-inference-job.jar) that a remote cluster needs. */
final class JobJar {
    static final String NAME = "flink-inference-job.jar";

    private JobJar() {}

    static Path locate() {
        try {
            Path classes = Path.of(JobJar.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path target = classes.getParent(); // jobs/target, from target/classes or from the jobs jar
            Path jar = target.resolve(NAME);
            if (Files.isRegularFile(jar)) {
                return jar;
            }
            throw new IllegalStateException("The job jar " + jar + " is missing; build it with 'mvn -DskipTests package'.");
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Cannot locate the job jar", e);
        }
    }
}
