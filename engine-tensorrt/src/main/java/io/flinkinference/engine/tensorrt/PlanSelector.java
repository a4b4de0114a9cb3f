package io.flinkinference.engine.tensorrt;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelStoreException;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.Manifest;
import io.flinkinference.modelstore.manifest.ModelFormat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Finds the TensorRT plan of a model for the TensorRT and GPU at hand. Plans only run on the
 * TensorRT version and compute capability they were built with, which the setup job records in
 * the plan's lineage ({@code tensorrt.version}, {@code gpu.computeCapability}); the parent is the
 * ONNX model the plan was built from. A model without a matching plan is refused with what the
 * store does hold and the command that builds the missing one.
 */
public final class PlanSelector {
    public static final String TENSORRT_VERSION = "tensorrt.version";
    public static final String COMPUTE_CAPABILITY = "gpu.computeCapability";

    private PlanSelector() {}

    /** The TensorRT and GPU a plan must match. */
    public record Target(String tensorRtVersion, String computeCapability) {
        @Override
        public String toString() {
            return "TensorRT " + tensorRtVersion + " on sm " + computeCapability;
        }
    }

    /** No plan of the model matches the target. */
    public static final class PlanNotFoundException extends ModelStoreException {
        private static final long serialVersionUID = 1L;

        PlanNotFoundException(String message) {
            super(message);
        }
    }

    /**
     * @param model the ONNX model the plan was built from; a pinned version only takes plans built from it
     */
    public static ModelVersion select(ModelStore store, ModelRef model, Target target) {
        List<ModelVersion> plans = plansOf(store, model);
        return plans.stream()
                .filter(plan -> matches(plan.manifest(), target))
                .max(Comparator.comparing((ModelVersion plan) -> plan.manifest().lineage().parentVersion())
                        .thenComparing(plan -> plan.manifest().version()))
                .orElseThrow(() -> new PlanNotFoundException("No TensorRT plan of " + model + " for " + target + " in "
                        + store.root() + "; " + (plans.isEmpty() ? "it holds none of that model"
                                : "it holds " + plans.stream().map(PlanSelector::describe).toList())
                        + ". Build one on a machine with this GPU: flink-inference setup tensorrt " + model.name()
                        + (model.version().isPresent() ? ":" + model.version().getAsInt() : "")));
    }

    private static List<ModelVersion> plansOf(ModelStore store, ModelRef model) {
        List<ModelVersion> plans = new ArrayList<>();
        for (String name : store.models()) {
            for (int version : store.versions(name)) {
                ModelVersion candidate = store.resolve(ModelRef.of(name, version));
                Manifest manifest = candidate.manifest();
                boolean fromModel = model.name().equals(manifest.lineage().parentName())
                        && (model.version().isEmpty() || model.version().getAsInt() == manifest.lineage().parentVersion());
                if (manifest.format() == ModelFormat.TENSORRT_PLAN && fromModel) {
                    plans.add(candidate);
                }
            }
        }
        return plans;
    }

    static boolean matches(Manifest plan, Target target) {
        Map<String, String> facts = plan.lineage().attributes();
        return target.tensorRtVersion().equals(facts.get(TENSORRT_VERSION))
                && target.computeCapability().equals(facts.get(COMPUTE_CAPABILITY));
    }

    static String describe(ModelVersion plan) {
        Map<String, String> facts = plan.manifest().lineage().attributes();
        return plan.ref() + " (TensorRT " + facts.get(TENSORRT_VERSION) + ", sm " + facts.get(COMPUTE_CAPABILITY) + ")";
    }
}
