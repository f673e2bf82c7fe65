import { createContext, useContext } from "react";

/** The CSP nonce of this response (set by entry.server), for the few script tags we render. */
const NonceContext = createContext<string>("");
export const NonceProvider = NonceContext.Provider;
export const useNonce = () => useContext(NonceContext);
