/** Minimal RIFF/WAVE reading and writing for 16-bit PCM, enough for the agent's assets. */

/** Mono int16 audio with its sample rate. */
export interface PcmAudio {
  /** Mono PCM16 samples. */
  samples: Int16Array;
  /** Sample rate in Hz. */
  sampleRate: number;
}

/**
 * Parses a 16-bit PCM WAV file; multi-channel audio is mixed down to mono.
 * @throws on anything that is not 16-bit PCM WAVE.
 */
export function parseWav(bytes: Uint8Array): PcmAudio {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (offset: number) => String.fromCharCode(...bytes.subarray(offset, offset + 4));
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('not a RIFF/WAVE file');
  let channels = 0;
  let sampleRate = 0;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      const formatTag = view.getUint16(body, true);
      channels = view.getUint16(body + 2, true);
      sampleRate = view.getUint32(body + 4, true);
      const bits = view.getUint16(body + 14, true);
      // 1 = PCM, 0xFFFE = WAVE_FORMAT_EXTENSIBLE (what sox writes for some inputs).
      if ((formatTag !== 1 && formatTag !== 0xfffe) || bits !== 16) {
        throw new Error(`unsupported WAV encoding (format ${formatTag}, ${bits} bits): need 16-bit PCM`);
      }
    } else if (id === 'data') {
      if (!channels) throw new Error('WAV data chunk before fmt chunk');
      const frames = Math.floor(Math.min(size, bytes.length - body) / (2 * channels));
      const samples = new Int16Array(frames);
      for (let i = 0; i < frames; i++) {
        let sum = 0;
        for (let c = 0; c < channels; c++) sum += view.getInt16(body + (i * channels + c) * 2, true);
        samples[i] = Math.round(sum / channels);
      }
      return { samples, sampleRate };
    }
    offset = body + size + (size % 2); // chunks are padded to even sizes
  }
  throw new Error('WAV file has no data chunk');
}

/** A mono 16-bit PCM WAV file of `audio` (handy for listening to what a test captured). */
export function encodeWav(audio: PcmAudio): Buffer {
  const dataBytes = audio.samples.length * 2;
  const out = Buffer.alloc(44 + dataBytes);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVEfmt ', 8, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(audio.sampleRate, 24);
  out.writeUInt32LE(audio.sampleRate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < audio.samples.length; i++) out.writeInt16LE(audio.samples[i], 44 + i * 2);
  return out;
}
