// Exports: a PNG of the map (the current view, or the whole world at 1:1 or 1:2) and a
// WebM video of the timelapse with the date drawn in. Video: WebCodecs' VideoEncoder and
// webm-muxer (app/static/vendor/webm-muxer.mjs, loaded on first use) where the browser
// has VideoEncoder, else MediaRecorder on the canvas's stream (real time).

import { Raster } from "./raster.js";
import { dateLabel, stepDays } from "./state.js";
import { drawLabel } from "./view.js";

const MUXER_URL = new URL("../vendor/webm-muxer.mjs", import.meta.url).href;
const KEY_FRAME_EVERY = 60;

export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

const blobOf = (canvas) =>
  new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("the canvas is too large"))), "image/png"),
  );

// ``which``: "view" (what the canvas shows), "1" or "2" (the whole world at 1:1 or 1:2).
export async function downloadPng(island, which) {
  const timelapse = island.timelapse?.active ? island.timelapse : null;
  const day = timelapse ? timelapse.day : null;
  const name = `map-${island.mode}-${day === null ? island.layers.date : dateLabel(day)}`;
  let canvas;
  if (which === "view") {
    canvas = island.view.canvas;
  } else {
    const raster = which === "2" ? (island.half ??= Raster.sampled(island.full, 2)) : island.full;
    if (timelapse) timelapse.paint(raster, day);
    else island.paint(raster, island.state);
    canvas = raster.canvas;
    if (timelapse) {
      canvas = copy(raster.canvas);
      drawLabel(canvas.getContext("2d"), dateLabel(day), canvas.width, canvas.height);
    }
  }
  const blob = await blobOf(canvas);
  if (timelapse) timelapse.draw();
  download(blob, `${name}${which === "view" ? "" : `-1to${which}`}.png`);
}

function copy(source) {
  const canvas = document.createElement("canvas");
  canvas.width = source.width;
  canvas.height = source.height;
  canvas.getContext("2d").drawImage(source, 0, 0);
  return canvas;
}

// Every frame of the replay, from the start to the save's date by the timelapse's step.
function frames(timelapse) {
  const { start, end } = timelapse.layers.timeline;
  const days = [start];
  while (days[days.length - 1] < end) days.push(Math.min(stepDays(days[days.length - 1], timelapse.unit, 1), end));
  return days;
}

// The timelapse as a WebM file, frames 1/``step`` of the map's size.
export async function exportVideo(timelapse, step, { signal, progress }) {
  const island = timelapse.island;
  const key = `sampled${step}`;
  const raster = step === 2 ? (island.half ??= Raster.sampled(island.full, 2)) : (island[key] ??= Raster.sampled(island.full, step));
  const canvas = document.createElement("canvas");
  canvas.width = raster.width;
  canvas.height = raster.height;
  const ctx = canvas.getContext("2d", { alpha: false });
  const days = frames(timelapse);
  const fps = timelapse.speed === "max" ? 30 : Math.max(1, Math.min(timelapse.speed, 60));
  const drawFrame = (day) => {
    timelapse.paint(raster, day);
    ctx.drawImage(raster.canvas, 0, 0);
    drawLabel(ctx, dateLabel(day), canvas.width, canvas.height);
  };
  const blob =
    typeof VideoEncoder === "function"
      ? await encodeFrames(canvas, days, fps, drawFrame, signal, progress)
      : await recordFrames(canvas, days, fps, drawFrame, signal, progress);
  const { mode } = timelapse;
  download(blob, `timelapse-${mode}-${dateLabel(days[0])}-${dateLabel(days[days.length - 1])}.webm`);
  return blob;
}

async function codecFor(width, height, fps) {
  for (const [codec, muxed] of [
    ["vp09.00.10.08", "V_VP9"],
    ["vp8", "V_VP8"],
  ]) {
    const config = { codec, width, height, framerate: fps, bitrate: Math.round(width * height * fps * 0.15) };
    const { supported } = await VideoEncoder.isConfigSupported(config);
    if (supported) return { config, muxed };
  }
  throw new Error("this browser can encode neither VP9 nor VP8");
}

async function encodeFrames(canvas, days, fps, drawFrame, signal, progress) {
  const { Muxer, ArrayBufferTarget } = await import(MUXER_URL);
  const { width, height } = canvas;
  const { config, muxed } = await codecFor(width, height, fps);
  const target = new ArrayBufferTarget();
  const muxer = new Muxer({ target, video: { codec: muxed, width, height, frameRate: fps } });
  let failure = null;
  const encoder = new VideoEncoder({
    output: (chunk, meta) => muxer.addVideoChunk(chunk, meta),
    error: (error) => (failure = error),
  });
  encoder.configure(config);
  const duration = Math.round(1e6 / fps);
  try {
    for (let i = 0; i < days.length; i++) {
      signal.throwIfAborted();
      if (failure) throw failure;
      drawFrame(days[i]);
      const frame = new VideoFrame(canvas, { timestamp: i * duration, duration });
      encoder.encode(frame, { keyFrame: i % KEY_FRAME_EVERY === 0 });
      frame.close();
      progress(i + 1, days.length);
      // Back-pressure: a few frames in flight at most (each holds a full image).
      while (encoder.encodeQueueSize > 2) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await encoder.flush();
    if (failure) throw failure;
  } finally {
    if (encoder.state !== "closed") encoder.close();
  }
  muxer.finalize();
  return new Blob([target.buffer], { type: "video/webm" });
}

// Without WebCodecs: MediaRecorder records the canvas's stream while frames are drawn
// at the video's pace.
async function recordFrames(canvas, days, fps, drawFrame, signal, progress) {
  if (typeof MediaRecorder !== "function" || !canvas.captureStream) {
    throw new Error("this browser can record no video (neither WebCodecs nor MediaRecorder)");
  }
  const type = ["video/webm;codecs=vp9", "video/webm;codecs=vp8", "video/webm"].find((t) =>
    MediaRecorder.isTypeSupported(t),
  );
  if (!type) throw new Error("this browser cannot record WebM");
  drawFrame(days[0]);
  const stream = canvas.captureStream(0);
  const track = stream.getVideoTracks()[0];
  const recorder = new MediaRecorder(stream, { mimeType: type });
  const chunks = [];
  recorder.ondataavailable = (event) => event.data.size && chunks.push(event.data);
  const stopped = new Promise((resolve) => (recorder.onstop = resolve));
  recorder.start();
  try {
    for (let i = 0; i < days.length; i++) {
      signal.throwIfAborted();
      drawFrame(days[i]);
      track.requestFrame?.();
      progress(i + 1, days.length);
      await new Promise((resolve) => setTimeout(resolve, 1000 / fps));
    }
  } finally {
    recorder.stop();
    await stopped;
    track.stop();
  }
  return new Blob(chunks, { type: "video/webm" });
}
