import { describe, expect, it } from 'vitest'
import { compileTemplate, newOverrides, TemplateRenderError, TemplateSyntaxError, templateStats } from '../../src/vtl'
import { render } from './render'

function syntaxError(template: string): TemplateSyntaxError {
  try {
    compileTemplate(template)
  } catch (error) {
    if (error instanceof TemplateSyntaxError) return error
    throw error
  }
  throw new Error(`expected a syntax error for ${JSON.stringify(template)}`)
}

describe('compileTemplate parses once', () => {
  it('counts one parse per template and none per render, interpolated strings included', () => {
    const before = templateStats.parses
    const template = compileTemplate('#foreach($i in [0..2])#set($p = "$.a[${i}]")$input.path($p)#end')
    expect(templateStats.parses).toBe(before + 1)
    const input = { body: '{"a":[1,2,3]}', params: { path: {}, querystring: {}, header: {} }, stageVariables: null, context: {} }
    expect(template.render(input)).toBe('123')
    expect(template.render(input)).toBe('123')
    expect(templateStats.parses).toBe(before + 1)
  })

  it('keeps renders apart: macros, defines and variables of one render are gone in the next', () => {
    const template = compileTemplate('[$x][#m()]#set($x = "set")#macro(m)M#end')
    const input = { body: '', params: { path: {}, querystring: {}, header: {} }, stageVariables: null, context: {} }
    expect(template.render(input)).toBe('[][#m()]')
    expect(template.render(input)).toBe('[][#m()]')
  })
})

describe('syntax errors', () => {
  it('report the line and column of a parse error', () => {
    // jison points just past the last token it accepted: here, where `)` was due.
    const error = syntaxError('{\n  "a": #if($x\n}')
    expect([error.line, error.column]).toEqual([2, 13])
    expect(syntaxError('ok\n  #foreach($x in )#end')).toMatchObject({ line: 2, column: 15 })
  })

  it('report an unterminated string literal where it starts', () => {
    expect(syntaxError('line one\n#set($a = "abc)')).toMatchObject({ line: 2, column: 11 })
  })

  it('reject a block without #end, naming the block', () => {
    const error = syntaxError('a\n  #if($x)\n  b\n#foreach($i in $l)x#end')
    expect(error.message).toContain('#if without a matching #end')
    expect([error.line, error.column]).toEqual([2, 3])
  })

  it('reject an #end without a block instead of dropping the rest of the template', () => {
    expect(syntaxError('#if($a)x#end\nmore #end tail')).toMatchObject({ line: 2, column: 6 })
  })

  it('reject #else outside #if and a second #else', () => {
    expect(syntaxError('a #else b').line).toBe(1)
    expect(syntaxError('#if($a)1#else 2#else 3#end').message).toContain('#else outside an #if block')
  })

  it('report errors inside an interpolated string at the directive holding it', () => {
    expect(syntaxError('x\n#set($a = "#if(")')).toMatchObject({ line: 2, column: 1 })
  })
})

describe('directives', () => {
  it('#set, #if/#elseif/#else', () => {
    const template = '#set($n = $input.path("$.n"))#if($n > 10)big#elseif($n > 5)mid#else\nsmall#end'
    expect(render(template, { body: '{"n":12}' })).toBe('big')
    expect(render(template, { body: '{"n":7}' })).toBe('mid')
    expect(render(template, { body: '{"n":1}' })).toBe('small')
  })

  it('#foreach exposes $foreach.index/count/hasNext/first/last and $velocityCount', () => {
    expect(render('#foreach($x in ["a","b"])$foreach.index$foreach.count$velocityCount$x$foreach.first$foreach.last$foreach.hasNext;#end')).toBe(
      '011atruefalsetrue;122bfalsetruefalse;',
    )
  })

  it('#foreach over a map iterates its values; over anything else, nothing', () => {
    expect(render('#set($m = {"a": 1, "b": 2})#foreach($v in $m)$v#end')).toBe('12')
    expect(render('#set($s = "abc")#foreach($c in $s)$c#end#foreach($x in $undefined)$x#end')).toBe('')
  })

  it('#break leaves the loop at once and #stop ends the template, with or without parentheses', () => {
    expect(render('#foreach($i in [1..5])$i#if($i == 2)#break#end-#end.')).toBe('1-2.')
    expect(render('a#stop b')).toBe('a')
    expect(render('a#stop() b')).toBe('a')
    expect(render('#foreach($i in [1..3])$i#if($i == 2)#stop#end#end after')).toBe('12')
  })

  it('ranges count up or down, from literals or variables', () => {
    expect(render('#set($a = 3)#foreach($i in [$a..1])$i#end #foreach($i in [-1 .. 1])$i,#end')).toBe('321 -1,0,1,')
  })

  it('#define re-renders its body each time it is used', () => {
    expect(render('#define($show)[$v]#end#set($v = 1)$show#set($v = 2)$show')).toBe('[1][2]')
  })

  it('#macro takes arguments; a call to an unknown macro stays as text', () => {
    expect(render('#macro(greet $who)Hello $who!#end#greet("you") #missing(1)')).toBe('Hello you! #missing(1)')
  })

  it('comments and raw blocks', () => {
    expect(render('a## line comment\nb#* block *#c#[[$raw #if]]#')).toBe('ab' + 'c$raw #if')
  })

  it('gobbles the newline after a directive line but keeps text after an inline #set', () => {
    expect(render('#set($a = 1)\n#if(true)\nx\n#end\n')).toBe('x\n')
    expect(render('#set($a = 1) $a')).toBe(' 1')
  })
})

describe('Velocity semantics', () => {
  it('renders nothing for undefined references, in every form', () => {
    expect(render('[$nope][$!nope][${nope}][$nope.a.b][$nope.m()]')).toBe('[][][][][]')
  })

  it('equality: numbers by value, mixed kinds by toString, null equal to "" and $null', () => {
    expect(render('#set($e = [])#if(1 == 1.0)a#end#if("1" == 1)b#end#if($x == "")c#end#if($x == $null)d#end#if("" != $null)e#end#if($e == "")f#end')).toBe('abcd')
  })

  it('truth: only null and false are false', () => {
    expect(render('#if("")a#end#if(0)b#end#if([])c#end#if($none)d#end#if(false)e#end#if(!$none && true)f#end')).toBe('abcf')
  })

  it('arithmetic: integer division, null on non-numbers, + concatenates strings', () => {
    expect(render('#set($a = 7 / 2)#set($b = 7 % 3)#set($c = "x" + 1)#set($d = 2 * 3 - 1)$a $b $c $d [#set($e = "a" - 1)$e]')).toBe(
      '3 1 x1 5 []',
    )
  })

  it('ordering needs numbers', () => {
    expect(render('#if("b" > "a")yes#else\nno#end')).toBe('no')
    expect(render('#if(2 > 1)yes#end')).toBe('yes')
  })

  it('hyphenated identifiers after a dot are property names', () => {
    expect(render('$context.a.X-Amz-Target', { context: { a: { 'X-Amz-Target': 't' } } })).toBe('t')
  })
})

describe('Java methods', () => {
  const s = '#set($s = "  Hello World  ")'
  it('on strings', () => {
    expect(render(`${s}$s.length() $s.trim() $s.trim().toLowerCase() $s.toUpperCase().trim() $s.contains("World") $s.indexOf("o")`)).toBe(
      '15 Hello World hello world HELLO WORLD true 6',
    )
    expect(render(`${s}#set($t = $s.trim())$t.substring(6) $t.substring(0, 5) $t.startsWith("Hell") $t.endsWith("x") $t.equals("Hello World")`)).toBe(
      'World Hello true false true',
    )
    expect(render(`${s}#set($t = $s.trim())$t.replaceAll("(\\w+) (\\w+)", "$2 $1") $t.replace(".", "!") $t.split("o") $t.matches("(?i)hello.*") $t.toString()`)).toBe(
      'World Hello Hello World [Hell,  W, rld] true Hello World',
    )
  })

  it('fail the render where Java throws', () => {
    expect(() => render('#set($t = "abc")$t.substring(5)')).toThrow(TemplateRenderError)
    expect(() => render('#set($l = [1])$l.get(3)')).toThrow(TemplateRenderError)
  })

  it('on maps', () => {
    expect(render('#set($m = {"a": 1})$m.get("a") $m.containsKey("b") $m.isEmpty() $m.size() [$m.put("b", 2)] [$m.put("b", 3)] $m.keySet() $m')).toBe(
      '1 false false 1 [] [2] [a, b] {a=1, b=3}',
    )
  })

  it('on lists', () => {
    expect(render('#set($l = ["a"])$l.size() $l.isEmpty() $l.get(0) $l.add("b") $l.contains("b") $l')).toBe('1 false a true true [a, b]')
  })

  it('properties are map entries only: $s.length without parentheses is null', () => {
    expect(render('#set($s = "abc")[$s.length][$s.empty]')).toBe('[][]')
  })
})

describe('$context and $stageVariables', () => {
  const context = {
    requestId: 'r-1',
    stage: 'dev',
    isCanaryRequest: 'false',
    identity: { sourceIp: '203.0.113.1', user: null },
    authorizer: { principalId: 'me', claims: { sub: 'abc' } },
    error: { messageString: '"Missing Authentication Token"' },
  }

  it('exposes $context variables in all notations', () => {
    expect(render('$context.requestId ${context.stage} $context["stage"] $context.identity.sourceIp [$context.identity.user] $context.authorizer.claims.sub $context.isCanaryRequest', { context })).toBe(
      'r-1 dev dev 203.0.113.1 [] abc false',
    )
    expect(render('{"message":$context.error.messageString}', { context })).toBe('{"message":"Missing Authentication Token"}')
  })

  it('exposes stage variables in all documented forms; missing ones render empty', () => {
    const stageVariables = { name: 'v' }
    expect(render("$stageVariables.name $stageVariables['name'] ${stageVariables['name']} [$stageVariables.other]", { stageVariables })).toBe(
      "v v v []",
    )
    expect(render('[$stageVariables.name]')).toBe('[]')
  })

  it('keeps #set on $context and $stageVariables inside the render', () => {
    const shared = { stage: 'dev' }
    const stageVariables = { a: '1' }
    render('#set($context.stage = "x")#set($stageVariables.a = "2")', { context: shared, stageVariables })
    expect(shared).toEqual({ stage: 'dev' })
    expect(stageVariables).toEqual({ a: '1' })
  })
})

describe('overrides', () => {
  it('collects every assignment form as plain strings', () => {
    const overrides = newOverrides()
    render(
      '#set($context.requestOverride.header.X-Trace = "t")#set($context.requestOverride.querystring["q"] = 5)' +
        '$context.requestOverride.path.put("p", "v")#set($context["requestOverride"].header["multi"] = ["a", "b"])' +
        '#set($context.responseOverride.status = "201")#set($context.responseOverride.header.h = "x")#set($context.responseOverride.extra = "e")',
      { context: { ...overrides } },
    )
    expect(overrides.requestOverride).toEqual({ header: { 'X-Trace': 't', multi: 'a, b' }, path: { p: 'v' }, querystring: { q: '5' } })
    expect(overrides.responseOverride).toEqual({ header: { h: 'x' }, status: 201, extra: 'e' })
  })

  it('drops a status outside 100-599 and entries set to null', () => {
    const overrides = newOverrides()
    render('#set($context.responseOverride.status = 42)#set($context.responseOverride.header.h = "x")#set($context.responseOverride.header.h = $null)', {
      context: { ...overrides },
    })
    expect(overrides.responseOverride).toEqual({ header: {} })
  })

  it('carries from the request template to the response template', () => {
    const overrides = newOverrides()
    render('#set($context.responseOverride.status = 444)', { context: { ...overrides } })
    expect(render('$context.responseOverride.status', { context: { ...overrides } })).toBe('444')
  })
})

describe('limits', () => {
  it('allows 1000 #foreach iterations', () => {
    expect(render('#foreach($i in [1..1000])#end$velocityCount done')).toBe(' done')
  })

  // AWS documents 1000 iterations per #foreach; the engine fails rather than send a silently truncated payload.
  it('throws TemplateRenderError on the 1001st iteration of a #foreach over 5000 items', () => {
    expect(() => render('#foreach($i in [1..5000])$i#end')).toThrow(/1000 iterations/)
    expect(() => render('#foreach($i in [1..5000])$i#end')).toThrow(TemplateRenderError)
  })

  it('does not count iterations a #break skipped', () => {
    expect(render('#foreach($i in [1..5000])#if($i > 3)#break#end$i#end')).toBe('123')
  })

  it('throws when the output exceeds 10 MB, counting UTF-8 bytes', () => {
    expect(() => render('$input.body', { body: 'x'.repeat(10 * 1024 * 1024 + 1) })).toThrow(TemplateRenderError)
    expect(() => render('$input.body', { body: 'é'.repeat(6 * 1024 * 1024) })).toThrow(TemplateRenderError)
    expect(render('$input.body', { body: 'x'.repeat(1024 * 1024) })).toHaveLength(1024 * 1024)
  })

  it('stops runaway templates: nested loops, doubling strings, recursive macros and defines', () => {
    expect(() => render('#foreach($i in [1..1000])#foreach($j in [1..1000])#end#end')).toThrow(TemplateRenderError)
    expect(() => render('#set($s = "xx")#foreach($i in [1..40])#set($s = "$s$s")#end')).toThrow(TemplateRenderError)
    expect(() => render('#macro(loop)#loop()#end#loop()')).toThrow(TemplateRenderError)
    expect(() => render('#define($d)$d#end$d')).toThrow(TemplateRenderError)
  })
})
