/**
 * Everything about images that is not needed to draw the first frame, as one on-demand chunk:
 * one import() for all of it keeps the always-loaded bundle from being split into extra shared
 * pieces (each costs its own gzip window and import glue).
 */
export { exportAssets, keepLocalCopies, svgImages } from "./bytes";
export { dropImages } from "./drop";
export { connectSource } from "./host";
export { importAssets, insertImages, pickImages, requeueLocal } from "./insert";
export { loadAsset } from "./loader";
export { startImages } from "./uploads";
