package io.flinkinference.jobs.cluster;

import org.apache.commons.io.file.PathUtils;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.rest.handler.legacy.messages.ClusterOverviewWithVersion;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A standalone Flink session cluster of processes of their own (a JobManager and TaskManagers),
 * started, extended and stopped by {@code scripts/flink-cluster.sh} exactly as a user runs it, so
 * that the tests run the script too. Its configuration, logs, checkpoints and pid files are in one
 * folder; the output of every run of the script goes to a file beside them.
 */
public final class StandaloneCluster implements AutoCloseable {
    private static final Pattern STARTED = Pattern.compile("started (taskmanager-\\d+) \\(pid");

    private final Path script;
    private final Path lib;
    private final Path dir;
    private final int restPort;
    private final RestClusterClient<StandaloneClusterId> rest;
    private int scriptRuns;

    /** What one run of the script did. */
    public record ScriptRun(String command, int exitCode, String output, Duration took) {}

    private StandaloneCluster(Path script, Path lib, Path dir, int restPort) throws Exception {
        this.script = script;
        this.lib = lib;
        this.dir = dir;
        this.restPort = restPort;
        Configuration client = new Configuration();
        client.set(RestOptions.ADDRESS, "127.0.0.1");
        client.set(RestOptions.PORT, restPort);
        this.rest = new RestClusterClient<>(client, StandaloneClusterId.getInstance());
    }

    /**
     * Starts a cluster in {@code dir} (emptied first) on free loopback ports and returns once its
     * TaskManagers have registered.
     *
     * @param script {@code scripts/flink-cluster.sh}
     * @param lib Flink's jars, as the cluster-lib module copied them
     */
    public static StandaloneCluster start(Path script, Path lib, Path dir, int taskManagers, int slotsPerTaskManager)
            throws Exception {
        int[] ports = freePorts(2);
        StandaloneCluster cluster = new StandaloneCluster(script, lib, dir, ports[0]);
        try {
            if (Files.exists(dir)) {
                // A run that died may have left its cluster running here: stop it before its folder goes.
                cluster.stopEverything();
                PathUtils.deleteDirectory(dir);
            }
            Files.createDirectories(dir.resolve("commands"));
            ScriptRun start = cluster.script(Duration.ofMinutes(3), "start", "--taskmanagers", Integer.toString(taskManagers),
                    "--slots", Integer.toString(slotsPerTaskManager), "--rest-port", Integer.toString(ports[0]),
                    "--rpc-port", Integer.toString(ports[1]));
            if (start.exitCode() != 0) {
                throw new IllegalStateException("flink-cluster.sh start failed (" + start.exitCode() + "):\n" + start.output()
                        + cluster.logTails(40));
            }
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** Flink's REST client for this cluster, for what the web UI shows: jobs, tasks, checkpoints. */
    public RestClusterClient<StandaloneClusterId> rest() {
        return rest;
    }

    /** The JobManager's REST port on 127.0.0.1 (web UI, job submission). */
    public int restPort() {
        return restPort;
    }

    public ClusterOverviewWithVersion overview() throws Exception {
        return rest.getClusterOverview().get(10, TimeUnit.SECONDS);
    }

    /**
     * {@code flink-cluster.sh flink ARGS}: Flink's own command-line client (CliFrontend) in a JVM
     * of its own, with only Flink's jars on its class path; returns when that process has exited.
     */
    public ScriptRun flink(Duration timeout, String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "flink";
        System.arraycopy(args, 0, command, 1, args.length);
        return script(timeout, command);
    }

    /** Starts one more TaskManager ({@code add-taskmanager}) and returns its name once it has registered. */
    public String addTaskManager() throws Exception {
        ScriptRun add = script(Duration.ofMinutes(2), "add-taskmanager");
        Matcher started = STARTED.matcher(add.output());
        if (add.exitCode() != 0 || !started.find()) {
            throw new IllegalStateException("flink-cluster.sh add-taskmanager failed (" + add.exitCode() + "):\n" + add.output());
        }
        return started.group(1);
    }

    /** The process of a TaskManager ({@code taskmanager-N}) or of the JobManager, while it runs. */
    public Optional<ProcessHandle> process(String name) {
        Path pidFile = dir.resolve("run").resolve(name + ".pid");
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            return ProcessHandle.of(pid).filter(this::isOurs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The TaskManagers that run now, by name ({@code taskmanager-N}), with their processes. */
    public Map<String, ProcessHandle> taskManagers() throws IOException {
        Map<String, ProcessHandle> running = new TreeMap<>();
        try (Stream<Path> pidFiles = Files.list(dir.resolve("run"))) {
            for (Path pidFile : pidFiles.toList()) {
                String name = pidFile.getFileName().toString().replaceFirst("\\.pid$", "");
                if (name.startsWith("taskmanager-")) {
                    process(name).ifPresent(process -> running.put(name, process));
                }
            }
        }
        return running;
    }

    /**
     * Kills a TaskManager as a crash would: SIGKILL ({@link ProcessHandle#destroyForcibly}), so it
     * neither runs shutdown hooks nor says goodbye to the JobManager. Returns once it is gone.
     */
    public void kill(String taskManager) throws Exception {
        ProcessHandle process = process(taskManager)
                .orElseThrow(() -> new IllegalStateException(taskManager + " does not run"));
        process.destroyForcibly();
        process.onExit().get(30, TimeUnit.SECONDS);
    }

    /** The processes of Flink's client still running for this cluster: none once {@code flink run -d} has returned. */
    public List<ProcessHandle> clientProcesses() {
        return ProcessHandle.allProcesses().filter(this::isOurs)
                .filter(p -> p.info().commandLine().orElse("").contains("org.apache.flink.client.cli.CliFrontend"))
                .toList();
    }

    /** The folder with every process's log ({@code log/NAME.log} and {@code .out}). */
    public Path logs() {
        return dir.resolve("log");
    }

    /** The last {@code lines} lines of every log and script output, for a failure's report. */
    public String logTails(int lines) {
        StringBuilder tails = new StringBuilder();
        for (Path folder : List.of(dir.resolve("commands"), logs())) {
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (Stream<Path> files = Files.list(folder)) {
                for (Path file : files.sorted().toList()) {
                    List<String> all = Files.readAllLines(file);
                    tails.append("\n==> ").append(file).append(" (last ").append(Math.min(lines, all.size())).append(" of ")
                            .append(all.size()).append(" lines) <==\n");
                    all.subList(Math.max(0, all.size() - lines), all.size()).forEach(line -> tails.append(line).append('\n'));
                }
            } catch (IOException e) {
                tails.append("\n(cannot read ").append(folder).append(": ").append(e.getMessage()).append(")\n");
            }
        }
        return tails.toString();
    }

    /**
     * {@code flink-cluster.sh stop}, then SIGKILL for any process of this cluster still there, so
     * that none outlives the tests whatever state they left it in.
     */
    @Override
    public void close() throws Exception {
        try {
            rest.close();
        } finally {
            stopEverything();
        }
    }

    private void stopEverything() throws Exception {
        try {
            if (Files.isDirectory(dir.resolve("run"))) {
                Files.createDirectories(dir.resolve("commands"));
                script(Duration.ofMinutes(1), "stop");
            }
        } finally {
            List<ProcessHandle> left = ProcessHandle.allProcesses().filter(this::isOurs).toList();
            for (ProcessHandle process : left) {
                process.destroyForcibly();
            }
            for (ProcessHandle process : left) {
                process.onExit().get(30, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Whether a process is one of this cluster's Java processes (JobManager, TaskManagers, client):
     * the script starts each with the log configuration in the cluster's folder.
     */
    private boolean isOurs(ProcessHandle process) {
        String logConfiguration = "-Dlog4j.configurationFile=" + dir.resolve("conf").resolve("log4j.properties");
        return process.info().commandLine().map(line -> line.contains(logConfiguration)).orElse(false);
    }

    private ScriptRun script(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        Path output = dir.resolve("commands").resolve(String.format("%02d-%s.out", ++scriptRuns, args[0]));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("FLINK_CLUSTER_DIR", dir.toString());
        builder.environment().put("FLINK_CLUSTER_LIB", lib.toString());
        // The cluster runs on the Java that runs the tests.
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        long started = System.nanoTime();
        Process process = builder.start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("flink-cluster.sh " + String.join(" ", args) + " did not finish within "
                        + timeout.toSeconds() + " s:\n" + Files.readString(output));
            }
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor();
            }
        }
        return new ScriptRun(String.join(" ", args), process.exitValue(), Files.readString(output),
                Duration.ofNanos(System.nanoTime() - started));
    }

    /** {@code count} distinct ports that nothing listened on a moment ago. */
    private static int[] freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }
}
