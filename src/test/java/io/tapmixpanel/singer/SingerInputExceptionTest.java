package io.tapmixpanel.singer;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Catalog and state problems are one kind of error: the user's input, naming the file and what is wrong where. */
class SingerInputExceptionTest {
    @Test
    void aCatalogProblemNamesItsFileItsProblemAndTheWordCatalog() {
        SingerInputException e = new CatalogException("catalog.json", "streams[0].tap_stream_id: is missing");
        assertEquals("catalog.json: streams[0].tap_stream_id: is missing", e.getMessage());
        assertEquals("catalog.json", e.file());
        assertEquals("streams[0].tap_stream_id: is missing", e.problem());
        assertEquals("catalog", e.input());
    }

    @Test
    void aStateProblemNamesItsFileItsProblemAndTheWordState() {
        SingerInputException e = new StateException("state.json", "bookmarks: must be an object, not a list");
        assertEquals("state.json: bookmarks: must be an object, not a list", e.getMessage());
        assertEquals("state.json", e.file());
        assertEquals("bookmarks: must be an object, not a list", e.problem());
        assertEquals("state", e.input());
    }
}
