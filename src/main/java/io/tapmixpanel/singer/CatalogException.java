package io.tapmixpanel.singer;

/** A catalog that cannot be used: names the file and, as a JSON path, what is wrong in it. */
public final class CatalogException extends SingerInputException {
    private static final long serialVersionUID = 1L;

    public CatalogException(String file, String problem) {
        super(file, problem);
    }

    @Override
    public String input() { return "catalog"; }
}
