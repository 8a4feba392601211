package io.clp.dspsim;

/** What every simulated API shares: the accounts, armed faults, issued tokens, report files and the request log. */
public record Simulation(Catalog catalog, Faults faults, Tokens tokens, Files files, RequestLog log) {
}
