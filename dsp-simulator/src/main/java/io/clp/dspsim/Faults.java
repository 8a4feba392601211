package io.clp.dspsim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Faults armed per account (key {@code dsp:accountId}), through configuration or {@code POST /admin/faults}. */
public final class Faults {

    private static final Fault.Type[] ON_CALL = {Fault.Type.THROTTLE, Fault.Type.SERVER_ERROR, Fault.Type.TIMEOUT,
            Fault.Type.EXPIRED_TOKEN};
    private static final Fault.Type[] ON_LISTING = {Fault.Type.THROTTLE, Fault.Type.SERVER_ERROR, Fault.Type.TIMEOUT,
            Fault.Type.EXPIRED_TOKEN, Fault.Type.TRUNCATED_PAGE};

    private final Map<String, List<Fault>> armed = new ConcurrentHashMap<>();

    public void arm(String dsp, String accountId, Fault fault) {
        armed.computeIfAbsent(key(dsp, accountId), k -> new ArrayList<>());
        synchronized (this) {
            armed.get(key(dsp, accountId)).add(fault);
        }
    }

    public synchronized void clear() {
        armed.clear();
    }

    /** Takes one use of the first armed fault of one of these types, if any. */
    public synchronized Optional<Fault> take(String dsp, String accountId, Fault.Type... types) {
        List<Fault> list = armed.get(key(dsp, accountId));
        if (list == null) {
            return Optional.empty();
        }
        for (int i = 0; i < list.size(); i++) {
            Fault fault = list.get(i);
            for (Fault.Type type : types) {
                if (fault.type() == type) {
                    Fault spent = fault.spend();
                    if (spent.remaining() <= 0) {
                        list.remove(i);
                    } else {
                        list.set(i, spent);
                    }
                    return Optional.of(fault);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Takes one use of the first armed fault that any API call can meet (throttle, server error, timeout, expired
     * token), and on a call that lists a page a truncated page too.
     */
    public Optional<Fault> takeOnCall(String dsp, String accountId, boolean listing) {
        return take(dsp, accountId, listing ? ON_LISTING : ON_CALL);
    }

    private static String key(String dsp, String accountId) {
        return dsp + ":" + accountId;
    }
}
