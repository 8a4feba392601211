package io.clp.campaign.account;

/** The database enum {@code dsp_type}; constant names equal its labels. */
public enum DspType {
    dv360, ttd, meta, amazon, google_ads
}
