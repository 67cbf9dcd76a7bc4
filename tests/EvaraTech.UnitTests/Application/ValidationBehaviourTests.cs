using EvaraTech.Application.Behaviours;
using EvaraTech.Application.Errors;
using FluentValidation;
using Mediator;

namespace EvaraTech.UnitTests.Application;

public sealed class ValidationBehaviourTests
{
    public sealed record Register(string? Email, int Age, IReadOnlyList<Item> Items) : ICommand<int>;

    public sealed record Item(string? NodeKey);

    private sealed class RegisterValidator : AbstractValidator<Register>
    {
        public RegisterValidator()
        {
            RuleFor(r => r.Email).NotEmpty();
            RuleFor(r => r.Age).InclusiveBetween(0, 150);
            RuleForEach(r => r.Items).ChildRules(item => item.RuleFor(i => i.NodeKey).NotEmpty());
        }
    }

    [Test]
    public void Every_failing_field_is_reported_with_its_client_side_name()
    {
        var behaviour = new ValidationBehaviour<Register, int>([new RegisterValidator()]);
        var handlerRan = false;

        var failure = Assert.ThrowsAsync<RequestValidationException>(async () =>
            await behaviour.Handle(new Register(null, 200, [new Item("ok"), new Item("")]), (_, _) =>
            {
                handlerRan = true;
                return ValueTask.FromResult(1);
            }, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(failure!.Errors.Select(e => e.Field), Is.EquivalentTo(new[] { "email", "age", "items[1].nodeKey" }));
            Assert.That(handlerRan, Is.False, "the handler must not run on invalid input");
        });
    }

    [Test]
    public async Task Valid_input_reaches_the_handler()
    {
        var behaviour = new ValidationBehaviour<Register, int>([new RegisterValidator()]);

        var result = await behaviour.Handle(new Register("a@b.c", 30, []), (_, _) => ValueTask.FromResult(42), CancellationToken.None);

        Assert.That(result, Is.EqualTo(42));
    }

    public sealed record Window(int From, int To) : IQuery<int>;

    private sealed class WindowValidator : AbstractValidator<Window>
    {
        public WindowValidator()
        {
            RuleFor(w => w.From).GreaterThanOrEqualTo(0);
            RuleFor(w => w).Must(w => w.From < w.To).Unprocessable().OverridePropertyName("from");
        }
    }

    [TestCase(5, 1, true, TestName = "Only semantic failures make the request unprocessable (422)")]
    [TestCase(-1, 1, false, TestName = "A malformed value alone is a bad request (400)")]
    [TestCase(-1, -2, false, TestName = "A malformed value next to a semantic failure keeps the request a bad request (400)")]
    public void Semantic_rules_mark_their_failures(int from, int to, bool unprocessable)
    {
        var behaviour = new ValidationBehaviour<Window, int>([new WindowValidator()]);

        var failure = Assert.ThrowsAsync<RequestValidationException>(async () =>
            await behaviour.Handle(new Window(from, to), (_, _) => ValueTask.FromResult(0), CancellationToken.None));

        Assert.That(failure!.Unprocessable, Is.EqualTo(unprocessable));
    }
}
