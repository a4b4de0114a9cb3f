package io.flinkinference.jobs.cli;

import org.apache.flink.util.TimeUtils;
import picocli.CommandLine.ITypeConverter;

import java.time.Duration;

/** Reads durations as Flink does ("5 ms", "500us", "2 min") or as ISO-8601 ("PT5S"). */
public final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        return value.startsWith("P") || value.startsWith("p") ? Duration.parse(value) : TimeUtils.parseDuration(value);
    }
}
