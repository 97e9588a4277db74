// Reads the state of the consultation page's RTCPeerConnection, which the web
// app exposes as window.__telehealthPeer.

/**
 * Waits until the page's call status word is `status`. On timeout the error
 * names the status and the detail sentence that the page showed last.
 */
export async function waitForCallStatus(page, status, timeoutMs) {
  try {
    await page.waitForFunction(
      (expected) => document.querySelector('[data-testid="call-status"]')?.textContent === expected,
      status,
      { timeout: timeoutMs, polling: 250 },
    );
  } catch (error) {
    const pageState = await page
      .evaluate(() => ({
        status: document.querySelector('[data-testid="call-status"]')?.textContent,
        detail: document.querySelector('[data-testid="call-status-detail"]')?.textContent,
        error: document.querySelector('[data-testid="call-error"]')?.textContent,
      }))
      .catch(() => ({}));
    throw new Error(
      `call status did not become "${status}" within ${timeoutMs} ms; the page shows ` +
        `status "${pageState.status}", detail "${pageState.detail}"` +
        (pageState.error ? `, error "${pageState.error}"` : ''),
      { cause: error },
    );
  }
}

/**
 * Returns the selected ICE candidate pair with its local and remote
 * candidates, or null when there is no peer connection or no selected pair.
 * The pair is the one that the transport's selectedCandidatePairId names.
 * Without that id, it is a succeeded pair marked selected or nominated.
 */
export async function readSelectedCandidatePair(page) {
  return page.evaluate(async () => {
    const connection = window.__telehealthPeer;
    if (!connection) return null;
    const stats = await connection.getStats();
    const reports = [...stats.values()];

    const transport = reports.find((report) => report.type === 'transport' && report.selectedCandidatePairId);
    let pair = transport ? stats.get(transport.selectedCandidatePairId) : undefined;
    if (!pair) {
      pair = reports.find(
        (report) =>
          report.type === 'candidate-pair' && report.state === 'succeeded' && (report.selected || report.nominated),
      );
    }
    if (!pair) return null;

    const describeCandidate = (candidate) =>
      candidate && {
        candidateType: candidate.candidateType,
        address: candidate.address,
        port: candidate.port,
        protocol: candidate.protocol,
        relayProtocol: candidate.relayProtocol,
        url: candidate.url,
      };
    return {
      foundThrough: transport ? 'transport.selectedCandidatePairId' : 'candidate-pair flags',
      state: pair.state,
      nominated: pair.nominated,
      bytesSent: pair.bytesSent,
      bytesReceived: pair.bytesReceived,
      local: describeCandidate(stats.get(pair.localCandidateId)),
      remote: describeCandidate(stats.get(pair.remoteCandidateId)),
    };
  });
}

/**
 * Polls readSelectedCandidatePair until the pair has succeeded or
 * `timeoutMs` passes, and returns the last pair read (null when none). ICE
 * can report the selected pair as in-progress for a moment after media
 * flows, so one read can catch it before its checks complete.
 */
export async function waitForSucceededPair(page, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let pair = await readSelectedCandidatePair(page);
  while (pair?.state !== 'succeeded' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    pair = await readSelectedCandidatePair(page);
  }
  return pair;
}

/** Returns the byte and frame counters of the incoming video stream, or null when there is none yet. */
export async function readInboundVideo(page) {
  return page.evaluate(async () => {
    const connection = window.__telehealthPeer;
    if (!connection) return null;
    const stats = await connection.getStats();
    const video = [...stats.values()].find((report) => report.type === 'inbound-rtp' && report.kind === 'video');
    if (!video) return null;
    return {
      bytesReceived: video.bytesReceived,
      packetsReceived: video.packetsReceived,
      framesDecoded: video.framesDecoded,
      frameWidth: video.frameWidth,
      frameHeight: video.frameHeight,
    };
  });
}

/** Returns the RTCConfiguration the page's peer connection runs with. */
export async function readPeerConfiguration(page) {
  return page.evaluate(() => {
    const configuration = window.__telehealthPeer?.getConfiguration();
    return configuration ? { iceTransportPolicy: configuration.iceTransportPolicy } : null;
  });
}

/** Returns the size of the frames a <video> element is playing, which is 0 by 0 until the first frame. */
export async function readVideoSize(page, testId) {
  return page.getByTestId(testId).evaluate((video) => ({ width: video.videoWidth, height: video.videoHeight }));
}
