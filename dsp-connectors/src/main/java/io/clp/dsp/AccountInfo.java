package io.clp.dsp;

import java.time.ZoneId;
import java.util.Currency;

/** What the DSP says about an account: its name, time zone and currency (dates and money of the account use them). */
public record AccountInfo(String externalAccountId, String displayName, ZoneId timeZone, Currency currency, String parentAccountId) {
}
