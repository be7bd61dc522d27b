package io.tapmixpanel.singer;

/** A state that cannot be used: names the file and, as a JSON path, what is wrong in it. */
public final class StateException extends SingerInputException {
    private static final long serialVersionUID = 1L;

    public StateException(String file, String problem) {
        super(file, problem);
    }

    @Override
    public String input() { return "state"; }
}
