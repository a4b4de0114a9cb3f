package io.flinkinference.k8s;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code k8s/images/build-inputs.sh --list VARIANT} says an image is: its name with tag, and
 * each path of its Docker build context with where the script copies it from.
 */
record ImageInputs(String image, Map<String, String> paths) {
    static ImageInputs list(String variant) throws IOException, InterruptedException {
        String listing = Kustomize.run(List.of("bash", Manifests.K8S.resolve("images/build-inputs.sh").toString(), "--list", variant));
        String image = null;
        Map<String, String> paths = new LinkedHashMap<>();
        for (String line : listing.strip().split("\n")) {
            String[] fields = line.split("\t", 2);
            if (fields[0].equals("image")) {
                image = fields[1];
            } else {
                paths.put(fields[0], fields[1]);
            }
        }
        if (image == null || paths.isEmpty()) {
            throw new IllegalStateException("build-inputs.sh --list " + variant + " printed no image or no paths:\n" + listing);
        }
        return new ImageInputs(image, paths);
    }
}
