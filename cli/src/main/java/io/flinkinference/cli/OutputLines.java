package io.flinkinference.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flinkinference.avro.DeadLetter;
import io.flinkinference.avro.InferenceResult;

import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** How {@code consume} prints a result or a dead letter: a line for people, or one JSON object per line for scripts. */
enum OutputLines {
    TEXT {
        @Override
        String of(InferenceResult result) {
            String answer = result.getText() != null ? "text '" + result.getText() + "'"
                    : !result.getLabels().isEmpty() ? result.getLabels().get(0).getLabel()
                            + String.format(" (%.3f)", result.getLabels().get(0).getScore())
                    : result.getTensors().size() + " raw tensors";
            return String.format("result  %-24s %s:%d  %s  batch %d  queued %.1f ms  inference %.1f ms", result.getId(),
                    result.getModel(), result.getModelVersion(), answer, result.getTimings().getBatchSize(),
                    result.getTimings().getQueuedMicros() / 1e3, result.getTimings().getInferredMicros() / 1e3);
        }

        @Override
        String of(DeadLetter letter) {
            return String.format("DEAD    %-24s %s-%d@%d  %s  %s: %s", letter.getKey(), letter.getTopic(), letter.getPartition(),
                    letter.getOffset(), letter.getStage(), letter.getErrorClass(), letter.getErrorMessage());
        }
    },
    JSON {
        @Override
        String of(InferenceResult result) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("type", "result");
            line.put("id", result.getId());
            line.put("model", result.getModel());
            line.put("version", result.getModelVersion());
            line.put("engine", result.getEngine());
            line.put("labels", result.getLabels().stream().map(label -> {
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("label", label.getLabel());
                fields.put("index", label.getIndex());
                fields.put("score", label.getScore());
                return fields;
            }).toList());
            line.put("text", result.getText());
            line.put("rawTensors", result.getTensors().size());
            line.put("eventTimeMillis", result.getEventTimeMillis().toEpochMilli());
            line.put("batchSize", result.getTimings().getBatchSize());
            line.put("queuedMicros", result.getTimings().getQueuedMicros());
            line.put("inferredMicros", result.getTimings().getInferredMicros());
            line.put("headers", result.getHeaders());
            return write(line);
        }

        @Override
        String of(DeadLetter letter) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("type", "dead_letter");
            line.put("key", letter.getKey());
            line.put("id", letter.getId());
            line.put("topic", letter.getTopic());
            line.put("partition", letter.getPartition());
            line.put("offset", letter.getOffset());
            line.put("stage", letter.getStage());
            line.put("errorClass", letter.getErrorClass());
            line.put("errorMessage", letter.getErrorMessage());
            return write(line);
        }
    };

    private static final ObjectMapper MAPPER = new ObjectMapper();

    abstract String of(InferenceResult result);

    abstract String of(DeadLetter letter);

    private static String write(Map<String, Object> line) {
        try {
            return MAPPER.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
