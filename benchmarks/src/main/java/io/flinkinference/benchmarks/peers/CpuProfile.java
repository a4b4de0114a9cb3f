package io.flinkinference.benchmarks.peers;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a contestant's threads spent their time, from a Java Flight Recorder recording of its run
 * ({@code -XX:StartFlightRecording}, which every JDK has): the suite's answer to "why", when a goal
 * is missed. It counts the method samples JFR takes of running Java threads and of threads inside
 * native code (ONNX Runtime's kernels run there), by their top frame and by the part of the stack
 * they belong to (the engine's natives, Flink, Kafka, this project, the JDK). JFR samples threads
 * in native code whether they run or wait, so native samples whose top frame is a known wait (a
 * selector, an accepting socket, a park) are counted apart, as {@code waiting}: they are not CPU.
 *
 * @param samples method samples read that were running (Java, and native outside known waits)
 * @param waiting native samples of threads waiting in the kernel, left out of the shares
 * @param byArea samples per area, most first
 * @param topFrames samples per top frame (class.method), most first, at most {@link #TOP}
 */
public record CpuProfile(long samples, long waiting, Map<String, Long> byArea, Map<String, Long> topFrames) {
    static final int TOP = 12;
    /** Native top frames in which a thread waits rather than works: event loops, accept, poll, park, sleep. */
    private static final java.util.Set<String> WAITS = java.util.Set.of(
            "sun.nio.ch.EPoll.wait", "sun.nio.ch.Net.accept", "sun.nio.ch.Net.poll", "java.lang.Object.wait",
            "jdk.internal.misc.Unsafe.park", "java.lang.Thread.sleep", "java.lang.Thread.sleep0",
            "sun.nio.ch.SocketDispatcher.read0", "java.io.FileInputStream.readBytes", "java.lang.ProcessImpl.waitForProcessExit0",
            "java.lang.ProcessHandleImpl.waitForProcessExit0");
    private static final List<String> SAMPLE_EVENTS = List.of("jdk.ExecutionSample", "jdk.NativeMethodSample");

    /** Reads a recording's method samples. */
    public static CpuProfile read(Path recording) throws IOException {
        Map<String, Long> areas = new TreeMap<>();
        Map<String, Long> frames = new TreeMap<>();
        long samples = 0;
        long waiting = 0;
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                if (!SAMPLE_EVENTS.contains(event.getEventType().getName())) {
                    continue;
                }
                RecordedStackTrace stack = event.getStackTrace();
                if (stack == null || stack.getFrames().isEmpty()) {
                    continue;
                }
                RecordedFrame top = stack.getFrames().get(0);
                String frame = top.getMethod().getType().getName() + "." + top.getMethod().getName();
                if (isWaiting(event.getEventType().getName(), frame)) {
                    waiting++;
                    continue;
                }
                samples++;
                frames.merge(frame, 1L, Long::sum);
                areas.merge(areaOf(stack.getFrames()), 1L, Long::sum);
            }
        }
        return new CpuProfile(samples, waiting, mostFirst(areas, Integer.MAX_VALUE), mostFirst(frames, TOP));
    }

    /** Whether a sample is of a thread waiting in native code, not working. */
    static boolean isWaiting(String eventType, String topFrame) {
        return eventType.equals("jdk.NativeMethodSample") && WAITS.contains(topFrame);
    }

    /**
     * The part of the program a sample is in: the engine when any frame is ONNX Runtime's or
     * DJL's (a thread in a kernel shows the Java method that called into it), else the first frame
     * that belongs to a library the suite knows.
     */
    static String areaOf(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String type = frame.getMethod().getType().getName();
            if (type.startsWith("ai.onnxruntime.") || type.startsWith("ai.djl.")) {
                return "engine (ONNX Runtime, DJL)";
            }
        }
        for (RecordedFrame frame : frames) {
            String type = frame.getMethod().getType().getName();
            if (type.startsWith("org.apache.kafka.")) {
                return "Kafka clients";
            }
            if (type.startsWith("org.apache.avro.")) {
                return "Avro";
            }
            if (type.startsWith("org.apache.flink.")) {
                return "Flink";
            }
            if (type.startsWith("io.flinkinference.")) {
                return "flink-inference";
            }
            if (type.startsWith("javax.imageio.") || type.startsWith("java.awt.") || type.startsWith("sun.awt.")) {
                return "image decoding (ImageIO)";
            }
        }
        return "JDK and other";
    }

    private static Map<String, Long> mostFirst(Map<String, Long> counts, int limit) {
        Map<String, Long> sorted = new LinkedHashMap<>();
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .limit(limit)
                .forEach(entry -> sorted.put(entry.getKey(), entry.getValue()));
        return sorted;
    }

    /** A markdown summary: the areas as shares of all samples, then the hottest frames. */
    public String markdown(String title) {
        StringBuilder text = new StringBuilder("**" + title + "** (" + samples + " JFR method samples of running threads; "
                + waiting + " more of threads waiting in native code, left out)\n\n");
        if (samples == 0) {
            return text.append("No method samples were recorded.\n").toString();
        }
        text.append("| where | share |\n| --- | ---: |\n");
        byArea.forEach((area, count) -> text.append(String.format("| %s | %.1f%% |%n", area, 100.0 * count / samples)));
        text.append("\n| hottest top frames | share |\n| --- | ---: |\n");
        topFrames.forEach((frame, count) -> text.append(String.format("| `%s` | %.1f%% |%n", frame, 100.0 * count / samples)));
        return text.toString();
    }

    /** The JVM flag that makes a contestant's JVM record what {@link #read} needs into {@code file}. */
    public static String recordingFlag(Path file) {
        // The "profile" settings sample Java methods every 10 ms and native ones every 20 ms.
        return "-XX:StartFlightRecording=settings=profile,filename=" + file + ",dumponexit=true";
    }
}
