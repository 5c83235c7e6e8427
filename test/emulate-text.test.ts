// The emulator's stateless replies to what it cannot parse (src/emulate/sip-text.ts).
import { describe, expect, it } from 'vitest';
import { badRequestReply } from '../src/emulate/sip-text.ts';

const head = [
  'Via: SIP/2.0/UDP 192.0.2.1:5999;branch=z9hG4bK-a',
  'v: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bK-b',
  'f: <sip:peer@192.0.2.1>;tag=p1',
  'To: <sip:cube@192.0.2.2>',
  'i: bad-1',
  'CSeq: one INVITE',
];

describe('400 Bad Request to a request that cannot be parsed (RFC 3261 §8.2.2, §21.4.1)', () => {
  it('copies every Via, From, To (with a tag of its own), Call-ID and CSeq, compact forms included, and says why in a Warning', () => {
    const text = ['INVITE sip:cube@192.0.2.2 SIP/2.0', ...head, 'Content-Length: 0', '', ''].join('\r\n');
    expect(badRequestReply(text, 'line 7: CSeq: expected "number METHOD"')!.split('\r\n')).toEqual([
      'SIP/2.0 400 Bad Request',
      'Via: SIP/2.0/UDP 192.0.2.1:5999;branch=z9hG4bK-a',
      'Via: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bK-b',
      'From: <sip:peer@192.0.2.1>;tag=p1',
      'To: <sip:cube@192.0.2.2>;tag=cube-stateless',
      'Call-ID: bad-1',
      'CSeq: one INVITE',
      'Warning: 399 cubesim "line 7: CSeq: expected \'number METHOD\'"',
      'Content-Length: 0',
      '',
      '',
    ]);
  });

  it('answers nothing to an ACK, a response, a start line that is no request, or a request missing what a response must copy', () => {
    expect(badRequestReply(['ACK sip:cube@192.0.2.2 SIP/2.0', ...head, '', ''].join('\r\n'), 'x')).toBe(null);
    expect(badRequestReply(['SIP/2.0 200 OK', ...head, '', ''].join('\r\n'), 'x')).toBe(null);
    expect(badRequestReply(['hello there', ...head, '', ''].join('\r\n'), 'x')).toBe(null);
    expect(
      badRequestReply(
        ['BYE sip:cube@192.0.2.2 SIP/2.0', ...head.filter((h) => !h.startsWith('i:')), '', ''].join('\r\n'),
        'x',
      ),
    ).toBe(null);
  });
});
