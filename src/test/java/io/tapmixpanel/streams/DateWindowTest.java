package io.tapmixpanel.streams;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DateWindowTest {
    private static LocalDate d(String s) { return LocalDate.parse(s); }

    @Test
    void withoutBookmarkTheRunStartsAtStartDateInWindowsOfTheConfiguredSize() {
        List<DateWindow> w = DateWindow.plan(d("2024-01-01"), Optional.empty(), d("2024-01-10"), 5, 4);
        assertEquals(List.of(new DateWindow(d("2024-01-01"), d("2024-01-04")),
                new DateWindow(d("2024-01-05"), d("2024-01-08")),
                new DateWindow(d("2024-01-09"), d("2024-01-10"))), w);
    }

    @Test
    void aRecentBookmarkIsPulledBackByTheAttributionWindow() {
        List<DateWindow> w = DateWindow.plan(d("2024-01-01"), Optional.of(d("2024-01-30")), d("2024-01-31"), 5, 30);
        assertEquals(List.of(new DateWindow(d("2024-01-26"), d("2024-01-31"))), w);
    }

    @Test
    void anOldBookmarkIsUsedAsIs() {
        List<DateWindow> w = DateWindow.plan(d("2024-01-01"), Optional.of(d("2024-01-10")), d("2024-01-31"), 5, 30);
        assertEquals(d("2024-01-10"), w.get(0).from());
    }

    @Test
    void neverBeforeStartDate() {
        List<DateWindow> w = DateWindow.plan(d("2024-01-28"), Optional.of(d("2024-01-30")), d("2024-01-31"), 5, 30);
        assertEquals(d("2024-01-28"), w.get(0).from());
    }

    @Test
    void aStartAfterTheEndMeansNothingToRead() {
        assertTrue(DateWindow.plan(d("2024-02-01"), Optional.empty(), d("2024-01-31"), 5, 30).isEmpty());
    }
}
