package io.flinkinference.modelstore;

import io.flinkinference.modelstore.ModelStoreException.InvalidNameException;

import java.util.regex.Pattern;

/**
 * The one rule for model and file names. Names become path segments on local disks and object
 * stores alike, so they are restricted to a portable alphabet that cannot climb out of the store
 * ("..", "/", "\") or hide from listings (a leading dot marks the store's own staging folders).
 */
public final class ModelNames {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private ModelNames() {}

    /** Whether {@code name} is a name the store could have published a model under. */
    public static boolean isModelName(String name) {
        return name != null && !name.contains("..") && SAFE.matcher(name).matches();
    }

    /** Returns the name if it is a safe model name, else throws naming what is wrong. */
    public static String checkModelName(String name) {
        return check(name, "model name");
    }

    /** Returns the name if it is a safe file name inside a version folder. */
    public static String checkFileName(String name) {
        return check(name, "file name");
    }

    private static String check(String name, String what) {
        if (name == null || name.isEmpty()) {
            throw new InvalidNameException("The " + what + " is empty.");
        }
        if (name.contains("..") || name.contains("/") || name.contains("\\")) {
            throw new InvalidNameException(
                    "The " + what + " '" + name + "' could escape the model store: "
                            + "'..', '/' and '\\' are not allowed.");
        }
        if (!SAFE.matcher(name).matches()) {
            throw new InvalidNameException(
                    "The " + what + " '" + name + "' is not allowed: use 1 to 128 characters from "
                            + "A-Z a-z 0-9 . _ - and start with a letter or digit.");
        }
        return name;
    }
}
