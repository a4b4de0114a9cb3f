package io.flinkinference.jobs.ocr;

import io.flinkinference.operators.ocr.DetectedPage;
import io.flinkinference.operators.ocr.ImageText;
import io.flinkinference.operators.ocr.LineCrop;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Fans a detected page out into its line crops, each of which knows its image and the image's
 * number of lines. A page without lines has nothing to wait for: its empty result goes at once to
 * the side output {@link #TEXTLESS}.
 */
final class SplitIntoLines extends ProcessFunction<DetectedPage, LineCrop> {
    private static final long serialVersionUID = 1L;

    static final OutputTag<ImageText> TEXTLESS = new OutputTag<>("textless-images", TypeInformation.of(ImageText.class));

    @Override
    public void processElement(DetectedPage page, Context context, Collector<LineCrop> out) {
        if (page.lines().isEmpty()) {
            context.output(TEXTLESS, ImageText.empty(page));
            return;
        }
        page.lines().forEach(out::collect);
    }
}
