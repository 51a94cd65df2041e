/**
 * The demo viewer page's script (bundled by viewer/assets.ts): plays the
 * local live stream with the real amazon-ivs-player, tracks it with the SDK
 * (session, startup, heartbeats, QoE), shows the product card the stream's
 * ID3 timed metadata cues (the SDK sends product_impression), turns "Buy"
 * into click_to_buy plus a demo order, and counts chat messages (their
 * text stays in the page). Styles through classes and the CSSOM only, as
 * the page's Content-Security-Policy requires.
 */
import { create, PlayerEventType, PlayerState, type MediaPlayer } from 'amazon-ivs-player';
import { createTracker, trackIvsPlayer, type ProductCard, type Tracker } from '../../sdk/index.ts';
import type { ProductCardSpec } from '../product-cards.ts';
import type { ViewerConfig } from './config.ts';

/** How long the order confirmation stays up (ms). */
const TOAST_MS = 5_000;
/** Chat lines kept on screen. */
const MAX_CHAT_LINES = 100;

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
};

function money(price: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(price);
  } catch {
    return `${price.toFixed(2)} ${currency}`;
  }
}

let toastTimer: ReturnType<typeof setTimeout> | undefined;
function toast(text: string, error = false): void {
  const t = $('toast');
  t.textContent = text;
  t.classList.toggle('error', error);
  t.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (t.hidden = true), TOAST_MS);
}

function chatLine(who: string | null, text: string, mine = false): void {
  const list = $('messages');
  const li = document.createElement('li');
  if (who === null) {
    li.className = 'system';
    li.textContent = text;
  } else {
    if (mine) li.className = 'me';
    const name = document.createElement('span');
    name.className = 'who';
    name.textContent = who;
    li.append(name, document.createTextNode(text));
  }
  list.append(li);
  while (list.children.length > MAX_CHAT_LINES) list.firstElementChild?.remove();
  list.scrollTop = list.scrollHeight;
}

function tile(config: ViewerConfig, spec: ProductCardSpec, el: HTMLElement): void {
  el.textContent = spec.name.charAt(0);
  el.className = `card-image tone-${(config.cards.indexOf(spec) % 4) + 1}`;
}

/** The show's line-up under the video; the card on screen is marked. */
function lineup(config: ViewerConfig): void {
  const list = $('lineup');
  list.replaceChildren(...config.cards.map((spec) => {
    const li = document.createElement('li');
    li.dataset.product = spec.product_id;
    const image = document.createElement('div');
    tile(config, spec, image);
    const text = document.createElement('div');
    const name = document.createElement('p');
    name.className = 'lineup-name';
    name.textContent = spec.name;
    const price = document.createElement('p');
    price.className = 'lineup-price';
    price.textContent = money(spec.price, spec.currency);
    text.append(name, price);
    li.append(image, text);
    return li;
  }));
}

function showCard(config: ViewerConfig, card: ProductCard | null): ProductCardSpec | undefined {
  const box = $('card');
  const spec = card ? config.cards.find((c) => c.product_id === card.productId && c.offer_id === card.offerId) : undefined;
  for (const li of $('lineup').children) li.classList.toggle('live', (li as HTMLElement).dataset.product === spec?.product_id);
  if (!spec) {
    box.hidden = true;
    return undefined;
  }
  tile(config, spec, $('card-image'));
  $('card-name').textContent = spec.name;
  $('card-price').textContent = money(spec.price, spec.currency);
  const buy = $<HTMLButtonElement>('buy');
  buy.disabled = false;
  buy.textContent = 'Buy';
  box.hidden = false;
  return spec;
}

async function buy(config: ViewerConfig, tracker: Tracker, userId: string, spec: ProductCardSpec): Promise<void> {
  const button = $<HTMLButtonElement>('buy');
  button.disabled = true;
  button.textContent = '…';
  const clickId = tracker.clickToBuy(spec.product_id, spec.offer_id, { price: spec.price, currency: spec.currency });
  void tracker.flush();
  try {
    const res = await fetch(config.checkout, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ click_id: clickId, product_id: spec.product_id, user_id: userId }),
    });
    const body = (await res.json()) as { error?: string; order_id?: string };
    if (!res.ok) throw new Error(body.error ?? `checkout answered ${res.status}`);
    button.textContent = 'Bought ✓';
    toast(`Order placed: ${spec.name}, ${money(spec.price, spec.currency)}. Thank you!`);
  } catch (err) {
    button.disabled = false;
    button.textContent = 'Buy';
    toast(`The order failed: ${(err as Error).message}`, true);
  }
}

async function start(): Promise<void> {
  const config = (await (await fetch('/viewer/config.json')).json()) as ViewerConfig;
  document.title = `${config.title} · livelens demo`;
  $('title').textContent = config.title;
  $('host').textContent = `${config.creatorId} · ${config.retailerId}`;
  lineup(config);
  const tracker = createTracker({
    endpoint: config.endpoint || location.origin,
    writeKey: config.writeKey,
    showId: config.showId,
    creatorId: config.creatorId,
    flushIntervalMs: config.flushIntervalMs,
  });
  // A guest of the demo shop: the order carries this user id and the click's click_id.
  const userId = `guest-${tracker.viewerId.slice(0, 16)}`;
  tracker.identify(userId);

  const video = $<HTMLVideoElement>('video');
  const player: MediaPlayer = create({ wasmWorker: config.wasmWorker, wasmBinary: config.wasmBinary });
  player.attachHTMLVideoElement(video);
  player.setAutoplay(true);
  player.setMuted(true);
  let current: ProductCardSpec | undefined;
  trackIvsPlayer(tracker, player, {
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    page: location.pathname,
    onProductCard: (card) => (current = showCard(config, card)),
  });
  const status = $('player-status');
  player.addEventListener(PlayerState.PLAYING, () => (status.textContent = ''));
  player.addEventListener(PlayerState.BUFFERING, () => (status.textContent = status.textContent || 'Buffering…'));
  player.addEventListener(PlayerEventType.ERROR, () => (status.textContent = 'The stream is not available right now.'));
  player.load(new URL(config.stream, location.href).href); // the player's worker needs an absolute URL

  const unmute = $<HTMLButtonElement>('unmute');
  unmute.addEventListener('click', () => {
    const muted = !player.isMuted();
    player.setMuted(muted);
    unmute.textContent = muted ? 'Sound off · tap to unmute' : 'Sound on · tap to mute';
  });
  $('buy').addEventListener('click', () => {
    if (current) void buy(config, tracker, userId, current);
  });
  const input = $<HTMLInputElement>('chat-input');
  $('chat-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    tracker.chat(text.length);
    void tracker.flush(); // the person looks for it in the live panel
    chatLine('you', text, true);
    input.value = '';
  });
  chatLine(null, `Welcome to ${config.title}! Products appear on the video as the host shows them.`);
}

start().catch((err: Error) => {
  $('player-status').textContent = `The page could not start: ${err.message}`;
});
