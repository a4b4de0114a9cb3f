package io.flinkinference.jobs.cli;

import io.flinkinference.operators.InferenceOptions.BatcherScope;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;

/** Reads {@code subtask} or {@code task-manager} (any case, {@code _} for {@code -}) as a {@link BatcherScope}. */
public final class BatcherScopeConverter implements ITypeConverter<BatcherScope> {
    @Override
    public BatcherScope convert(String value) {
        try {
            return BatcherScope.valueOf(value.trim().replace('-', '_').toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException("'" + value + "' is not a batcher scope; use subtask or task-manager");
        }
    }
}
