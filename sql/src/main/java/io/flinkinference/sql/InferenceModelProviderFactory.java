package io.flinkinference.sql;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelStoreException;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.operators.Inference;
import io.flinkinference.operators.InferenceOptions;
import io.flinkinference.operators.InferenceRequest;
import io.flinkinference.operators.InferenceResult;
import io.flinkinference.operators.engine.Engines;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.ResolvedCatalogModel;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.ModelProviderFactory;
import org.apache.flink.table.ml.ModelProvider;

import java.util.Map;
import java.util.Set;

/**
 * {@code CREATE MODEL m INPUT (...) OUTPUT (...) WITH ('provider' = '<engine>', 'model' = ...)}: a
 * model of the project's store, served by one of its engines inside the TaskManagers, with the
 * project's dynamic batcher. One subclass per engine name, since Flink finds model providers by
 * identifier; the engine itself is found at run time through its service file, as everywhere else.
 *
 * <p>Everything is checked here, when the query is planned: unknown options (Flink's own check,
 * with the engine's keys left to the engine), the settings ({@code Inference.Builder#build}: the
 * same checks and messages as a DataStream job), the model and version in the store, that the engine
 * runs the version's format, and the INPUT and OUTPUT columns against the manifest ({@link ModelColumns}).
 */
abstract class InferenceModelProviderFactory implements ModelProviderFactory {

    /** The engine's provider name, which is also the SQL {@code provider}. */
    abstract String engine();

    @Override
    public String factoryIdentifier() {
        return engine();
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(ModelOptions.MODEL);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(ModelOptions.MODEL_STORE, ModelOptions.VERSION, ModelOptions.MAX_BATCH_SIZE, ModelOptions.MAX_QUEUE_DELAY,
                ModelOptions.PREFERRED_BATCH_SIZES, ModelOptions.MAX_INFLIGHT_BATCHES, ModelOptions.WORK_CONSERVING,
                ModelOptions.LATENCY_TARGET, ModelOptions.FIT_TO_ENGINE, ModelOptions.FIT_BUDGET, ModelOptions.BATCH_SCOPE,
                ModelOptions.MAX_IMAGE_PIXELS);
    }

    @Override
    public ModelProvider createModelProvider(Context context) {
        FactoryUtil.ModelProviderFactoryHelper helper = FactoryUtil.createModelProviderFactoryHelper(this, context);
        // Engine keys are the engine's to check (Inference.Builder#build does, naming the key and the known ones).
        helper.validateExcept(engine() + ".");
        String model = context.getObjectIdentifier().asSummaryString();
        ReadableConfig options = helper.getOptions();
        Inference<InferenceRequest, InferenceResult> inference;
        try {
            inference = Inference.builder().configure(settings(options, context.getCatalogModel().getOptions())).build();
        } catch (IllegalArgumentException | ModelStoreException e) {
            throw new ValidationException("Model " + model + " (provider '" + engine() + "'): " + e.getMessage(), e);
        }
        ModelVersion version = resolve(model, inference);
        if (!Engines.provider(engine()).supports(version.manifest().format())) {
            throw new ValidationException("Model " + model + " (provider '" + engine() + "'): the " + engine() + " engine cannot "
                    + "run " + version.ref() + ", which is " + version.manifest().format().id() + ". Name a version of that format "
                    + "('" + ModelOptions.VERSION.key() + "'), e.g. a TensorRT plan from flink-inference setup tensorrt, or "
                    + "another provider.");
        }
        ResolvedCatalogModel catalogModel = context.getCatalogModel();
        ModelColumns columns = ModelColumns.check(model, version.manifest(),
                catalogModel.getResolvedInputSchema(), catalogModel.getResolvedOutputSchema());
        return new InferenceModelProvider(inference, columns);
    }

    /** The inference settings the SQL options stand for, plus the engine keys as they were given. */
    private Configuration settings(ReadableConfig options, Map<String, String> given) {
        Configuration settings = new Configuration();
        settings.set(InferenceOptions.ENGINE, engine());
        settings.set(InferenceOptions.MODEL, reference(options));
        ModelOptions.SETTINGS.forEach((sql, setting) -> {
            if (given.containsKey(sql.key())) {
                settings.setString(setting.key(), given.get(sql.key()));
            }
        });
        given.forEach((key, value) -> {
            if (key.startsWith(engine() + ".")) {
                settings.setString(key, value);
            }
        });
        return settings;
    }

    private static String reference(ReadableConfig options) {
        String model = options.get(ModelOptions.MODEL);
        return options.getOptional(ModelOptions.VERSION).map(version -> {
            if (model.contains(":")) {
                throw new ValidationException("'" + ModelOptions.MODEL.key() + "' = '" + model + "' names a version and '"
                        + ModelOptions.VERSION.key() + "' = '" + version + "' another; give the version once.");
            }
            return model + ":" + version;
        }).orElse(model);
    }

    /** The pinned version's manifest, from the store the building machine sees (as the DataStream builder reads it). */
    private ModelVersion resolve(String model, Inference<?, ?> inference) {
        ModelRef reference = inference.spec().model();
        try {
            return ModelStore.open(inference.spec().storeHere()).resolve(reference);
        } catch (ModelStoreException | IllegalArgumentException e) {
            throw new ValidationException("Model " + model + " (provider '" + engine() + "'): " + reference + " is not in the "
                    + "model store " + inference.spec().storeHere() + ": " + e.getMessage() + " Set '"
                    + ModelOptions.MODEL_STORE.key() + "' to the store the TaskManagers read, or publish the model there "
                    + "(flink-inference models import / models fetch).", e);
        }
    }
}
