package io.tapmixpanel.singer;

/**
 * A Singer input given on the command line (the catalog or the state file) that cannot be used: names the file and,
 * as a JSON path, what is wrong in it. The user's input, so the command line reports it as a usage error in one line
 * (README "Command line"); the two kinds differ only in the word that starts that line.
 */
public abstract sealed class SingerInputException extends RuntimeException permits CatalogException, StateException {
    private static final long serialVersionUID = 1L;
    private final String file;
    private final String problem;

    SingerInputException(String file, String problem) {
        super(file + ": " + problem);
        this.file = file;
        this.problem = problem;
    }

    /** The file as the user named it. */
    public String file() { return file; }

    /** What is wrong, starting with its JSON path when there is one. */
    public String problem() { return problem; }

    /** Which input it is, as a one-line message names it: {@code catalog} or {@code state}. */
    public abstract String input();
}
