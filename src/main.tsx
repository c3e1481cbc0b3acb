/** Browser entry point (bundled by PartyKit into public/dist/main.js). */
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { registerServiceWorker } from "./net/serviceWorker";

// Before the board renders: the sooner the worker installs, the sooner a reload survives a dead
// server (public/sw.js).
void registerServiceWorker();

const root = document.getElementById("root");
if (!root) throw new Error("missing #root element");
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
