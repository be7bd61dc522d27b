package io.tapmixpanel.mixpanel;

/** Mixpanel's data-residency clusters; a credential belongs to one of them. */
public enum Region { US, EU, IN }
