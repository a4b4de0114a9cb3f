package io.flinkinference.jobs;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;

/**
 * The streaming job's restart strategy when its configuration names none. With checkpointing on,
 * Flink's default is fixed-delay with unlimited attempts, so a failure that cannot heal (a model
 * that no longer loads, a topic that is gone) restarts the job every second forever and hides the
 * error. This one backs off exponentially, 1 s doubling to at most a minute, and fails the job
 * after 10 restarts that each ran less than 10 minutes; a job that has run 10 minutes since its
 * last restart starts counting afresh, so occasional broker hiccups never end it.
 */
public final class BoundedRestarts {
    static final int ATTEMPTS = 10;
    static final Duration INITIAL_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
    static final Duration RESET_BACKOFF_THRESHOLD = Duration.ofMinutes(10);

    private BoundedRestarts() {}

    /** Sets the strategy above on {@code env}, unless its configuration sets {@code restart-strategy.type}. */
    public static void applyUnlessConfigured(StreamExecutionEnvironment env) {
        if (env.getConfiguration().getOptional(RestartStrategyOptions.RESTART_STRATEGY).isPresent()) {
            return;
        }
        Configuration restarts = new Configuration();
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, INITIAL_BACKOFF);
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, MAX_BACKOFF);
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER, 2.0);
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD, RESET_BACKOFF_THRESHOLD);
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_JITTER_FACTOR, 0.1);
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS, ATTEMPTS);
        env.configure(restarts);
    }
}
