package io.flinkinference.testing;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The Flink MiniClusters the tests run their jobs on. */
public final class TestClusters {
    private TestClusters() {}

    /** One TaskManager with {@code slots} slots: enough for the jobs of one test class. */
    public static MiniClusterExtension oneTaskManager(int slots) {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(slots)
                .build());
    }
}
