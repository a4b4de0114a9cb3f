package io.flinkinference.tools.setup;

import io.flinkinference.modelstore.manifest.Preprocessing.ResizeMode;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads {@code --resize} by the mode's manifest id; an unknown id is refused with the known ones. */
final class ResizeModeConverter implements ITypeConverter<ResizeMode> {
    @Override
    public ResizeMode convert(String id) {
        try {
            return ResizeMode.fromId(id);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
