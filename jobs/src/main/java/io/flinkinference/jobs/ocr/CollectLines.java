package io.flinkinference.jobs.ocr;

import io.flinkinference.operators.ocr.ImageText;
import io.flinkinference.operators.ocr.RecognizedLine;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.List;

/**
 * Gathers the recognized lines of one image (keyed by image id) and emits the image's text once all
 * of its lines are in, then forgets them. The lines wait in keyed state, by line index: a line
 * replayed after a restore takes its own place again instead of being counted twice, and a line
 * waiting when the task fails is restored from the checkpoint, so with exactly-once delivery every
 * image is written once, with every line.
 */
final class CollectLines extends KeyedProcessFunction<String, RecognizedLine, ImageText> {
    private static final long serialVersionUID = 1L;

    private transient MapState<Integer, RecognizedLine> lines;

    @Override
    public void open(OpenContext context) {
        lines = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("lines-by-index", Types.INT, TypeInformation.of(RecognizedLine.class)));
    }

    @Override
    public void processElement(RecognizedLine line, Context context, Collector<ImageText> out) throws Exception {
        lines.put(line.lineIndex(), line);
        List<RecognizedLine> all = new ArrayList<>(line.lineCount());
        for (RecognizedLine each : lines.values()) {
            all.add(each);
        }
        if (all.size() < line.lineCount()) {
            return;
        }
        out.collect(new ImageText(line.imageId(), line.eventTimeMillis(), line.metadata(), all));
        lines.clear();
    }
}
