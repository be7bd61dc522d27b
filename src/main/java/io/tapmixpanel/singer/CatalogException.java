package io.tapmixpanel.singer;

/** A catalog that cannot be used: names the file and, as a JSON path, what is wrong in it. */
public final class CatalogException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String file;
    private final String problem;

    public CatalogException(String file, String problem) {
        super(file + ": " + problem);
        this.file = file;
        this.problem = problem;
    }

    public String file() { return file; }

    public String problem() { return problem; }
}
