package io.flinkinference.modelstore.manifest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A named tensor a model takes or gives. Dynamic dimensions are -1 in {@code shape}, and
 * {@code dimNames} carries the symbolic name of each dimension where the model has one (for
 * example "N" for the batch), {@code null} elsewhere.
 */
public record TensorSpec(String name, DataType dtype, List<Long> shape, List<String> dimNames) {
    public static final long DYNAMIC = -1;

    public TensorSpec {
        shape = List.copyOf(shape);
        List<String> names = new ArrayList<>(dimNames == null ? List.of() : dimNames);
        while (names.size() < shape.size()) {
            names.add(null);
        }
        dimNames = Collections.unmodifiableList(names);
    }

    public int rank() {
        return shape.size();
    }

    public long[] shapeArray() {
        return shape.stream().mapToLong(Long::longValue).toArray();
    }

    public boolean isDynamic(int dim) {
        return shape.get(dim) == DYNAMIC;
    }

    /** Shape as people write it: [N,3,48,192], with dynamic dimensions by their name or "?". */
    public String shapeText() {
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < shape.size(); i++) {
            if (i > 0) {
                text.append(',');
            }
            long dim = shape.get(i);
            String dimName = dimNames.get(i);
            text.append(dim != DYNAMIC ? Long.toString(dim) : dimName != null ? dimName : "?");
        }
        return text.append(']').toString();
    }

    @Override
    public String toString() {
        return name + " " + dtype + shapeText();
    }
}
