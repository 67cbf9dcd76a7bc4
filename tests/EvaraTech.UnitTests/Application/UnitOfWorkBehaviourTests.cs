using EvaraTech.Application.Behaviours;
using EvaraTech.Application.Persistence;
using Mediator;

namespace EvaraTech.UnitTests.Application;

public sealed class UnitOfWorkBehaviourTests
{
    public sealed record DoSomething : ICommand<int>;

    public sealed record ReadSomething : IQuery<int>;

    /// <summary>Records the calls the behaviour makes; the transaction itself is covered by the integration tests.</summary>
    private sealed class RecordingUnitOfWork : IUnitOfWork
    {
        public List<string> Calls { get; } = [];

        public ValueTask BeginAsync(CancellationToken cancellationToken) => Record("begin");

        public ValueTask CommitAsync(CancellationToken cancellationToken) => Record("commit");

        public ValueTask RollbackAsync(CancellationToken cancellationToken) => Record("rollback");

        private ValueTask Record(string call)
        {
            Calls.Add(call);
            return ValueTask.CompletedTask;
        }
    }

    [Test]
    public async Task A_command_that_succeeds_is_committed()
    {
        var unitOfWork = new RecordingUnitOfWork();

        await new UnitOfWorkBehaviour<DoSomething, int>(unitOfWork).Handle(new DoSomething(), (_, _) => ValueTask.FromResult(1), CancellationToken.None);

        Assert.That(unitOfWork.Calls, Is.EqualTo(new[] { "begin", "commit" }));
    }

    [Test]
    public void A_command_that_throws_is_rolled_back_and_the_error_kept()
    {
        var unitOfWork = new RecordingUnitOfWork();

        Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await new UnitOfWorkBehaviour<DoSomething, int>(unitOfWork).Handle(
                new DoSomething(), (_, _) => throw new InvalidOperationException("boom"), CancellationToken.None));

        Assert.That(unitOfWork.Calls, Is.EqualTo(new[] { "begin", "rollback" }));
    }

    [Test]
    public async Task A_query_opens_no_transaction()
    {
        var unitOfWork = new RecordingUnitOfWork();

        await new UnitOfWorkBehaviour<ReadSomething, int>(unitOfWork).Handle(new ReadSomething(), (_, _) => ValueTask.FromResult(1), CancellationToken.None);

        Assert.That(unitOfWork.Calls, Is.Empty);
    }
}
