import { describe, expect, it } from 'vitest'
import { InvalidJsonBodyError, markCaseInsensitive, TemplateRenderError } from '../../src/vtl'
import { render } from './render'

const body = JSON.stringify({ s: 'text', n: 42, f: 1.5, t: true, nul: null, obj: { a: 'b', list: [1, 'x'] }, list: [{ k: 'v' }, 'y'], empty: [] })

describe('$input.body', () => {
  it('is the raw payload, whitespace included', () => {
    expect(render('$input.body', { body: '{ "a" :  1 }' })).toBe('{ "a" :  1 }')
  })

  it('is {} for an empty payload', () => {
    expect(render('[$input.body]')).toBe('[{}]')
  })

  it('is a string: property access on it is null', () => {
    expect(render('[$input.body.s]', { body })).toBe('[]')
  })
})

describe('$input.json', () => {
  it('returns JSON text: strings keep quotes, objects and lists are compact JSON', () => {
    expect(render("$input.json('$.s') $input.json('$.n') $input.json('$.obj') $input.json('$.nul')", { body })).toBe(
      '"text" 42 {"a":"b","list":[1,"x"]} null',
    )
  })

  it('renders nothing for a path that is not there', () => {
    expect(render("[$input.json('$.missing')]", { body })).toBe('[]')
  })

  it('reads an empty payload as {}', () => {
    expect(render("$input.json('$')")).toBe('{}')
  })
})

describe('$input.path', () => {
  it('renders objects as Java maps, lists as compact JSON, strings raw', () => {
    expect(render("$input.path('$.obj') | $input.path('$.list') | $input.path('$.s') | $input.path('$.n')", { body })).toBe(
      '{a=b, list=[1,"x"]} | [{"k":"v"},"y"] | text | 42',
    )
  })

  it('navigates results with properties, indexes and Java methods', () => {
    expect(render("#set($o = $input.path('$'))$o.obj.a $o.list[0].k $o.list.size() $o.obj.keySet() $o.empty.isEmpty()", { body })).toBe(
      'b v 2 [a, list] true',
    )
  })

  it('makes missing and null values equal to both $null and ""', () => {
    const template = "#set($v = $input.path('$.X'))[$v]#if($v == $null)N#end#if($v == '')E#end"
    expect(render(template.replace('X', 'missing'), { body })).toBe('[]NE')
    expect(render(template.replace('X', 'nul'), { body })).toBe('[]NE')
    expect(render(template.replace('X', 'empty'), { body })).toBe('[[]]')
  })

  it('renders nothing on an empty payload', () => {
    expect(render("[$input.path('$.a')]")).toBe('[]')
  })

  it('fails with InvalidJsonBodyError when the payload is not JSON', () => {
    expect(() => render("$input.path('$.a')", { body: 'a=b' })).toThrow(InvalidJsonBodyError)
    expect(() => render("$input.json('$')", { body: '{broken' })).toThrow(TemplateRenderError)
  })

  it('does not parse the payload when only $input.body is used', () => {
    expect(render('$input.body', { body: 'a=b' })).toBe('a=b')
  })
})

describe('$input.params', () => {
  const params = {
    path: { id: 'p', both: 'from-path' },
    querystring: { q: 'a b', both: 'from-query', onlyQuery: 'q2' },
    header: { 'X-Api-Thing': 'h', onlyQuery: 'from-header' },
  }

  it('looks a name up in path, then query string, then header', () => {
    expect(render("$input.params('both') $input.params('onlyQuery') $input.params('q') $input.params('X-Api-Thing')", { params })).toBe(
      'from-path q2 a b h',
    )
  })

  it('finds a header whatever the casing, and gives "" for an unknown name', () => {
    expect(render("[$input.params('x-api-thing')][$input.params('nope')]", { params })).toBe('[h][]')
  })

  it('returns all three maps without an argument', () => {
    expect(render("$input.params().path.id $input.params().querystring.get('q') $input.params().header.get('X-Api-Thing')", { params })).toBe(
      'p a b h',
    )
    expect(render('#foreach($type in $input.params().keySet())$type #end', { params })).toBe('path querystring header ')
  })

  it('is still the method request parameters in a response template', () => {
    expect(render('{"id": $input.params().path.id}', { params: { path: { id: '42' }, querystring: {}, header: {} }, body: '{"x":1}' })).toBe(
      '{"id": 42}',
    )
  })
})

describe('$input.params().header', () => {
  // As methodRequestParams builds it: names as clients usually write them, looked up in any case.
  const params = () => ({ path: {}, querystring: {}, header: markCaseInsensitive({ 'Content-Type': 'application/json', 'X-Custom': 'c' }) })

  it('finds a header by whatever case the template uses: get, containsKey, getOrDefault, property, index', () => {
    const lookups = [
      "$input.params().header.get('x-custom')",
      "$input.params().header.get('X-CUSTOM')",
      "$input.params().header.containsKey('x-CuStOm')",
      "$input.params().header.getOrDefault('content-type', 'none')",
      '$input.params().header.X-Custom',
      '$input.params().header.x-custom',
      "$input.params().header['X-CUSTOM']",
      "$input.params('X-CUSTOM')",
    ]
    expect(render(lookups.join('|'), { params: params() })).toBe('c|c|true|application/json|c|c|c|c')
  })

  it('still misses a header the request does not have', () => {
    expect(render("[$input.params().header.get('x-other')][$input.params().header.containsKey('x-other')]", { params: params() })).toBe('[][false]')
  })

  it('keeps its own spelling when iterated or rendered', () => {
    const header = '$input.params().header'
    expect(render(`${header.replace('header', 'header.keySet()')}|#foreach($e in ${header}.entrySet())$e.key=$e.value;#end|${header}`, { params: params() })).toBe(
      '[Content-Type, X-Custom]|Content-Type=application/json;X-Custom=c;|{Content-Type=application/json, X-Custom=c}',
    )
  })

  it('replaces an entry put in another case instead of adding a twin', () => {
    expect(render("#set($h = $input.params().header)#set($old = $h.put('x-custom', 'd'))$old $h", { params: params() })).toBe(
      'c {Content-Type=application/json, X-Custom=d}',
    )
  })

  it('leaves every other map case-sensitive, as Java does', () => {
    expect(render("#set($m = $input.path('$'))[$m.get('A')][$m.containsKey('A')][$m.a]", { body: '{"a":1}' })).toBe('[][false][1]')
  })
})
