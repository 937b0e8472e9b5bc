package tasks

import (
	"fmt"
	"strconv"
)

// arithmetic: integer expressions with + - * /, operator precedence, parentheses where the tree needs
// them and (from level 2) negative numbers written as "(-3)". Every division is exact, so the value is
// an integer. Accepted answers: see parseInteger ("-12", "+12", "12.0").
func init() {
	Register(&builtin{
		name:     "arithmetic",
		describe: "Integer expressions with + - * /, precedence, parentheses and negative numbers",
		gen:      genArithmetic,
		match:    matchInteger,
	})
}

var (
	arithOps    = [MaxLevel]int{2, 3, 4, 5, 6}       // operators per expression
	arithMaxVal = [MaxLevel]int{10, 20, 30, 50, 100} // largest literal
)

// expr is an arithmetic expression tree; op 0 is a literal.
type expr struct {
	op   byte
	val  int64
	l, r *expr
}

func (e *expr) value() int64 {
	switch e.op {
	case '+':
		return e.l.value() + e.r.value()
	case '-':
		return e.l.value() - e.r.value()
	case '*':
		return e.l.value() * e.r.value()
	case '/':
		return e.l.value() / e.r.value() // built exact and non-zero by genExpr
	}
	return e.val
}

func prec(op byte) int {
	switch op {
	case '+', '-':
		return 1
	case '*', '/':
		return 2
	}
	return 3 // literal
}

// String prints e with only the parentheses its shape needs; negative literals are parenthesised.
func (e *expr) String() string {
	if e.op == 0 {
		if e.val < 0 {
			return "(" + strconv.FormatInt(e.val, 10) + ")"
		}
		return strconv.FormatInt(e.val, 10)
	}
	l, r := e.l.String(), e.r.String()
	if prec(e.l.op) < prec(e.op) {
		l = "(" + l + ")"
	}
	if p := prec(e.r.op); p < prec(e.op) || (p == prec(e.op) && (e.op == '-' || e.op == '/')) {
		r = "(" + r + ")"
	}
	return fmt.Sprintf("%s %c %s", l, e.op, r)
}

func genArithmetic(r *rng, level int) problem {
	e := genExpr(r, levelParam(arithOps, level), levelParam(arithMaxVal, level), level >= 2)
	return problem{
		text: "Evaluate the following expression. Use the usual operator precedence (* and / before + and -); " +
			"every division comes out exact.\n\n" + e.String() + "\n\nGive the result as an integer.",
		answer:  strconv.FormatInt(e.value(), 10),
		example: "-12",
	}
}

// genExpr builds a random tree with ops operators. Division gets a literal divisor that divides the
// left side exactly; when no small divisor exists the node becomes + or - instead.
func genExpr(r *rng, ops, maxVal int, neg bool) *expr {
	if ops <= 0 {
		v := int64(r.between(1, maxVal))
		if neg && r.chance(1, 4) {
			v = -v
		}
		return &expr{val: v}
	}
	op := "+-*/"[r.intn(4)]
	if op == '/' {
		left := genExpr(r, ops-1, maxVal, neg)
		if d, ok := smallDivisor(r, left.value(), neg); ok {
			return &expr{op: '/', l: left, r: &expr{val: d}}
		}
		op = "+-"[r.intn(2)]
		right := genExpr(r, 0, maxVal, neg)
		return &expr{op: op, l: left, r: right}
	}
	leftOps := r.intn(ops)
	left := genExpr(r, leftOps, maxVal, neg)
	right := genExpr(r, ops-1-leftOps, maxVal, neg)
	return &expr{op: op, l: left, r: right}
}

// smallDivisor picks a divisor 2..12 of v (any of them when v is 0), negated sometimes when neg.
func smallDivisor(r *rng, v int64, neg bool) (int64, bool) {
	var ds []int64
	for d := int64(2); d <= 12; d++ {
		if v%d == 0 {
			ds = append(ds, d)
		}
	}
	if len(ds) == 0 {
		return 0, false
	}
	d := pick(r, ds)
	if neg && r.chance(1, 4) {
		d = -d
	}
	return d, true
}
