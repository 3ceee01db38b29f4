import {
  addressIn,
  headerValue,
  messageIdsIn,
  parseHeaderBlock,
} from '../../../api/webhooks/inbound/mail-headers';

describe('parseHeaderBlock', () => {
  test('unfolds folded lines, keeps order and skips lines that are no header', () => {
    const headers = parseHeaderBlock(
      'Received: by mx.example.com\r\n\twith SMTP id 1\r\nReferences: <a@x.test>\r\n <b@x.test>\r\nnot a header\r\n: no name\r\nSubject: Re: Hi: there\r\n',
    );
    expect(headers).toEqual([
      { name: 'Received', value: 'by mx.example.com\twith SMTP id 1' },
      { name: 'References', value: '<a@x.test> <b@x.test>' },
      { name: 'Subject', value: 'Re: Hi: there' },
    ]);
    expect(headerValue(headers, 'references')).toBe('<a@x.test> <b@x.test>');
    expect(headerValue(headers, 'In-Reply-To')).toBeUndefined();
  });

  test('accepts bare LF line ends, as SendGrid posts them', () => {
    expect(parseHeaderBlock('A: 1\nB: 2\n')).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
    ]);
  });
});

describe('messageIdsIn', () => {
  test.each([
    ['<a@x.test> <b@x.test>', ['<a@x.test>', '<b@x.test>']],
    ['<a@x.test>,<b@x.test>', ['<a@x.test>', '<b@x.test>']],
    ['a@x.test b@x.test', ['a@x.test', 'b@x.test']],
    ['', []],
    [undefined, []],
  ])('%s', (value, ids) => {
    expect(messageIdsIn(value)).toEqual(ids);
  });
});

describe('addressIn', () => {
  test.each([
    ['"Ada Lovelace" <ada@example.com>', 'ada@example.com'],
    ['Ada <ada@example.com>', 'ada@example.com'],
    [' ada@example.com ', 'ada@example.com'],
    ['Ada Lovelace', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%s', (from, address) => {
    expect(addressIn(from)).toBe(address);
  });
});
