package io.flinkinference.operators.batching;

import io.flinkinference.operators.engine.EngineKey;
import io.flinkinference.operators.engine.SharedRegistry;

/**
 * The batchers that a TaskManager's subtasks share ({@code inference.batch.scope: TASK_MANAGER}):
 * one per engine key (model version, engine options, device) and batching settings, closed when
 * its last subtask leaves.
 */
public final class SharedBatchers extends SharedRegistry<SharedBatchers.Key, DynamicBatcher> {
    private static final SharedBatchers INSTANCE = new SharedBatchers();

    public static SharedBatchers instance() {
        return INSTANCE;
    }

    public SharedBatchers() {}

    /**
     * Subtasks share a batcher only when they would batch alike on the same engine: the same
     * settings, fitted to the engine the same way.
     */
    public record Key(EngineKey engine, BatchingConfig batching, BatchFitting fitting) {}
}
